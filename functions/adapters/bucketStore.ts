import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent } from 'h3-js';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import { type HeadingSector, parseSector, SECTOR_COUNT } from '../../lib/hazards/headingSector.ts';
import type { BucketKind } from '../../lib/hazards/signals.ts';
import type { BucketEntry } from '../../lib/hazards/slidingWindow.ts';
import type { BucketRepository } from '../../lib/stream/applyRecords.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** Buckets outlive the 20-minute window by far: late events, the hourly rollup and the map read them. */
export const BUCKET_RETENTION_S = 48 * 3600;
const MINUTE_DIGITS = 10;

/**
 * Partition resolution: a res-8 cell (~0.7 km², 49 res-10 cells). A res-10 cell and its ring
 * fall in one to three res-8 parents, so one Query per parent reads a whole cluster's window,
 * every kind at once, instead of one Query per cell and kind.
 */
export const BUCKET_PARTITION_RESOLUTION = 8;

/** The partition (res-8 parent) of a res-10 cell. */
export function partitionOf(cell: string): string {
  return cellToParent(cell, BUCKET_PARTITION_RESOLUTION);
}

function minuteKey(minute: number): string {
  return String(minute).padStart(MINUTE_DIGITS, '0');
}

/** Sectors of the earlier one-item-per-cell layout, as attribute names: `s0`…`s7`, `sx`. */
const SECTORS: readonly HeadingSector[] = [
  ...Array.from({ length: SECTOR_COUNT }, (_, i) => i as HeadingSector),
  'x',
];
/** The attribute that held a sector's pseudonym set in the earlier one-item-per-cell layout. */
export const sectorAttr = (sector: HeadingSector): string => `s${String(sector)}`;
/** Every sector attribute of the earlier one-item-per-cell layout. */
export const SECTOR_ATTRS: readonly string[] = SECTORS.map(sectorAttr);

/**
 * Area resolution of an item: a res-9 cell (~0.1 km², 7 res-10 children). One item per kind,
 * area and minute holds its children's sets, so one UpdateItem carries every cell a batch
 * touched there; on the simulated fleet a batch's passes in an area-minute fall in ~1.5 cells.
 * Why not the res-8 partition (49 cells): its items could pass DynamoDB's 400 KB item limit in
 * a dense downtown (see {@link BucketStore}); a res-9 area cannot, at any real traffic.
 */
export const BUCKET_AREA_RESOLUTION = 9;

/** The attribute holding the pseudonyms of one res-10 cell and sector: `<cell>:<sector>`. */
export function evidenceAttr(cell: string, sector: HeadingSector): string {
  return `${cell}:${String(sector)}`;
}

/** Every attribute of an item that holds evidence, with its cell and sector (both layouts). */
export function evidenceAttrsOf(
  item: Record<string, unknown>,
): { attr: string; cell: string | undefined; sector: HeadingSector }[] {
  const out: { attr: string; cell: string | undefined; sector: HeadingSector }[] = [];
  for (const attr of Object.keys(item)) {
    const colon = attr.indexOf(':');
    if (colon > 0) out.push({ attr, cell: attr.slice(0, colon), sector: parseSector(attr.slice(colon + 1)) });
    else if (SECTOR_ATTRS.includes(attr))
      out.push({ attr, cell: undefined, sector: parseSector(attr.slice(1)) });
  }
  return out;
}

/**
 * The evidence a bucket item holds, one entry per cell and heading sector. Reads the three
 * layouts: the current one (sk `minute#kind#<res-9 area>`, a set per child cell and sector
 * named `<cell>:<sector>`), and two earlier ones that live out their 48 h: one item per cell
 * (sk `minute#kind#cell`, a set per sector in `s0`…`sx`) and one per cell and sector
 * (sk `minute#kind#cell#sector`, the set in `cams`).
 */
export function bucketEntriesOf(item: Record<string, unknown>): BucketEntry[] {
  const [minute, kind, where, sector] = String(item.sk).split('#') as [string, BucketKind, string, string?];
  const base = { kind, minute: Number(minute) as EpochMinute };
  if (sector !== undefined) {
    const cams = item.cams as Set<string> | undefined;
    return [{ ...base, cell: where, sector: parseSector(sector), pseudonyms: cams ? [...cams] : [] }];
  }
  const out: BucketEntry[] = [];
  for (const { attr, cell, sector: s } of evidenceAttrsOf(item)) {
    const set = item[attr] as Set<string> | undefined;
    if (set && set.size > 0) out.push({ ...base, cell: cell ?? where, sector: s, pseudonyms: [...set] });
  }
  return out;
}

/** The sort key of the item holding a delta: `minute#kind#<res-9 area>`. */
function itemSk(d: BucketDelta): string {
  return `${minuteKey(d.minute)}#${d.kind}#${cellToParent(d.cell, BUCKET_AREA_RESOLUTION)}`;
}

/**
 * Minute buckets in DynamoDB. One item per kind, res-9 area and minute, holding for each of
 * its res-10 cells and heading sectors the set of camera pseudonyms that gave the signal (or
 * passed) there, in an attribute `<cell>:<sector>`, and their union in `cams` (what a deletion
 * searches). A write adds pseudonyms with `ADD`, which is idempotent: replaying a batch, in any
 * split, any number of times, leaves every set unchanged; `expiresAt` is a function of the
 * minute alone, so a replay rewrites the same value.
 *
 * Writes: the cells and sectors of an area-minute share one UpdateItem. On the simulated fleet
 * this cut `dynamodb.writes_per_1k_events` from ~111 (one item per cell-minute) to ~75.
 *
 * Limits. Expression: an item has at most 7 cells × 9 sectors = 63 sets, so an UpdateItem
 * names at most 64 attributes (~800 B of expression, within DynamoDB's 4 KB). Item size
 * (400 KB, names included): a pseudonym is 32 B, a set's name 17 B; a camera appears once in
 * `cams` and in a set per cell and sector it passed in that minute — at most 7 cells, one or
 * two sectors each when it turns. The busiest res-9 area imaginable, a freeway interchange of
 * 20 lanes at 2,400 vehicles/h each, every vehicle a camera, is 800 cameras a minute: at five
 * entries each (cams + 4 cells) ~130 KB, and even in the pathological case of every camera in
 * all 7 cells in two directions (15 entries) ~385 KB; 900 such cameras would pass the limit.
 * Tested on dynalite and DynamoDB Local (`test/bucketLayoutSuite.ts`).
 *
 * Key design: pk = `b#<res-8 parent>` spreads a city over hundreds of partitions; sk =
 * minute#kind#area, so one Query per partition reads a neighbourhood's window. A busy res-8
 * area sees at most a few hundred bucket writes a minute, far below DynamoDB's 1,000 WCU/s
 * per-partition limit. A write costs WCU by item size (1 KB units), so bigger items cost more
 * per write; measured on the simulated fleet (emulator's ConsumedCapacity, applyRecords only),
 * they still cost fewer WCU in all: 100 cameras 82 WCU per 1,000 events against 113 for one
 * item per cell-minute, 5,000 cameras 43 against 63 (1.3 WCU a write against 1.07).
 */
export class BucketStore implements BucketRepository {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  partitionOf(cell: string): string {
    return partitionOf(cell);
  }

  /**
   * Writes the deltas, one UpdateItem per kind, res-9 area and minute (all its cells and
   * sectors at once); returns the deltas that failed, with their errors.
   */
  async write(
    deltas: readonly BucketDelta[],
    concurrency = 16,
  ): Promise<{ delta: BucketDelta; error: unknown }[]> {
    const items = new Map<string, BucketDelta[]>();
    for (const d of deltas) {
      const sk = itemSk(d);
      const group = items.get(sk);
      if (group) group.push(d);
      else items.set(sk, [d]);
    }
    const failed: { delta: BucketDelta; error: unknown }[] = [];
    await mapLimit([...items], concurrency, async ([sk, group]) => {
      // One set per cell and sector: two deltas of one attribute in one expression would overlap paths.
      const byAttr = new Map<string, Set<string>>();
      const all = new Set<string>();
      for (const d of group) {
        const attr = evidenceAttr(d.cell, d.sector);
        const set = byAttr.get(attr) ?? new Set<string>();
        for (const p of d.pseudonyms) {
          set.add(p);
          all.add(p);
        }
        byAttr.set(attr, set);
      }
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds: string[] = [];
      [...byAttr].forEach(([attr, set], i) => {
        names[`#s${i}`] = attr;
        values[`:p${i}`] = set;
        adds.push(`#s${i} :p${i}`);
      });
      const minute = group[0]!.minute;
      try {
        await this.ddb.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `b#${partitionOf(group[0]!.cell)}`, sk },
            UpdateExpression: `ADD cams :all, ${adds.join(', ')} SET expiresAt = :e`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ...values,
              ':all': all,
              // From the minute, not the events' times: any replay or split writes the same value.
              ':e': (minute + 1) * 60 + BUCKET_RETENTION_S,
            },
          }),
        );
      } catch (error) {
        for (const delta of group) failed.push({ delta, error });
      }
    });
    return failed;
  }

  /**
   * Every bucket of the given partitions over [fromMinute, toMinute]: one Query per partition
   * (plus pages). Expired items are skipped: TTL deletion lags by up to days.
   */
  async readPartitions(
    partitions: Iterable<string>,
    fromMinute: EpochMinute,
    toMinute: EpochMinute,
    nowMs: number,
    kinds?: ReadonlySet<BucketKind>,
    concurrency = 16,
  ): Promise<BucketEntry[]> {
    const nowS = Math.floor(nowMs / 1000);
    const lists = await mapLimit([...new Set(partitions)], concurrency, async (partition) => {
      const entries: BucketEntry[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.ddb.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':pk': `b#${partition}`,
              ':lo': `${minuteKey(fromMinute)}#`,
              ':hi': `${minuteKey(toMinute)}#~`,
            },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        for (const item of res.Items ?? []) {
          if (Number(item.expiresAt ?? Number.POSITIVE_INFINITY) <= nowS) continue;
          for (const entry of bucketEntriesOf(item)) if (!kinds || kinds.has(entry.kind)) entries.push(entry);
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
      return entries;
    });
    return lists.flat();
  }
}
