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

/** Sectors a bucket item can hold, as attribute names: `s0`…`s7`, and `sx` for no heading. */
const SECTORS: readonly HeadingSector[] = [
  ...Array.from({ length: SECTOR_COUNT }, (_, i) => i as HeadingSector),
  'x',
];
/** The attribute holding a sector's pseudonym set. */
export const sectorAttr = (sector: HeadingSector): string => `s${String(sector)}`;
/** Every sector attribute, for expressions that must touch them all (deletion). */
export const SECTOR_ATTRS: readonly string[] = SECTORS.map(sectorAttr);

/**
 * The evidence a bucket item holds, one entry per heading sector. Reads both layouts: the
 * current one (sk `minute#kind#cell`, a set per sector in `s0`…`sx`) and the earlier one-item-
 * per-sector (sk `minute#kind#cell#sector`, the set in `cams`), which lives out its 48 h.
 */
export function bucketEntriesOf(item: Record<string, unknown>): BucketEntry[] {
  const [minute, kind, cell, sector] = String(item.sk).split('#') as [string, BucketKind, string, string?];
  const base = { kind, cell, minute: Number(minute) as EpochMinute };
  if (sector !== undefined) {
    const cams = item.cams as Set<string> | undefined;
    return [{ ...base, sector: parseSector(sector), pseudonyms: cams ? [...cams] : [] }];
  }
  const out: BucketEntry[] = [];
  for (const s of SECTORS) {
    const set = item[sectorAttr(s)] as Set<string> | undefined;
    if (set && set.size > 0) out.push({ ...base, sector: s, pseudonyms: [...set] });
  }
  return out;
}

/**
 * Minute buckets in DynamoDB. One item per kind, res-10 cell and minute, with the camera
 * pseudonyms of each heading sector in a string set of its own (`s0`…`s7`, `sx`) and their
 * union in `cams` (what a deletion searches). A write adds pseudonyms with `ADD`, which is
 * idempotent: replaying a batch, in any split, any number of times, leaves every set unchanged.
 * The sectors of a cell-minute share one write: two-way roads put passes in two sectors of most
 * cells, and on the simulated fleet this cut `dynamodb.writes_per_1k_events` from 129 to 111.
 * Key design: pk = `b#<res-8 parent>` spreads a city over hundreds of partitions; sk =
 * minute#kind#cell. A busy res-8 area sees at most a few hundred bucket writes a minute, far
 * below DynamoDB's 1,000 WCU/s per-partition limit; a hotter one would shard the pk by kind.
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
   * Writes the deltas, one UpdateItem per kind, cell and minute (all its sectors at once);
   * returns the deltas that failed, with their errors.
   */
  async write(
    deltas: readonly BucketDelta[],
    concurrency = 16,
  ): Promise<{ delta: BucketDelta; error: unknown }[]> {
    const items = new Map<string, BucketDelta[]>();
    for (const d of deltas) {
      const sk = `${minuteKey(d.minute)}#${d.kind}#${d.cell}`;
      const group = items.get(sk);
      if (group) group.push(d);
      else items.set(sk, [d]);
    }
    const failed: { delta: BucketDelta; error: unknown }[] = [];
    await mapLimit([...items], concurrency, async ([sk, group]) => {
      // One set per sector: two deltas of a sector in one expression would overlap paths.
      const bySector = new Map<string, Set<string>>();
      const all = new Set<string>();
      let lastTsMs = 0;
      for (const d of group) {
        const attr = sectorAttr(d.sector);
        const set = bySector.get(attr) ?? new Set<string>();
        for (const p of d.pseudonyms) {
          set.add(p);
          all.add(p);
        }
        bySector.set(attr, set);
        lastTsMs = Math.max(lastTsMs, d.lastTsMs);
      }
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds: string[] = [];
      [...bySector].forEach(([attr, set], i) => {
        names[`#s${i}`] = attr;
        values[`:p${i}`] = set;
        adds.push(`#s${i} :p${i}`);
      });
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
              ':e': Math.floor(lastTsMs / 1000) + BUCKET_RETENTION_S,
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
