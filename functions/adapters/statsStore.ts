import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GroupCommit } from '../../lib/stream/groupCommit.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../lib/time/durations.ts';
import { batchWriteAll } from './batchWrite.ts';

export const COUNTERS = ['accepted', 'duplicates', 'rejected', 'processed', 'failedToDestination'] as const;
export type Counter = (typeof COUNTERS)[number];

/**
 * Spreads one counter over shards so that ingest at thousands of batches a second does not
 * hammer a single partition (1,000 writes/s each).
 */
const SHARDS = 8;

type Deltas = Partial<Record<Counter, number>>;

/**
 * A count that must land exactly once however often it is written: a retried request, an SDK
 * retry after a lost answer, a replayed stream record. `id` names the fact (a batch's
 * acceptance, a record's processing); `atMs` is a time fixed by the fact itself (when the batch
 * was first marked, when the record's first event happened), so every retry of it addresses the
 * same item. Facts with the same `group` (default: the id) share an item in a given minute, so
 * one request's facts cost one write.
 */
export interface CountOnce {
  id: string;
  atMs: number;
  deltas: Deltas;
  group?: string;
}

/**
 * Exactly-once counts live in items per minute (of the fact's time) and shard, each with the
 * set of the facts it has counted: the counter and its dedup record change in one conditional
 * UpdateItem, which is what makes them exactly-once without transactions (dynalite has none).
 *
 * Size bound: a fact is stored as a 16-character hash (96 bits; ~17 bytes in a string set), so
 * an item holds ~23k facts under DynamoDB's 400 KB item limit, and a minute's 8 shards ~185k:
 * ~3,000 counted facts a second, or ~1,000 batches a second (~20,000 events/s) at the ~3 facts
 * a batch ingest and the aggregator count. Items by the hour, as before, overflowed past ~40
 * batches a second. More shards raise the bound but cost writes: an aggregator batch's records
 * spread over every shard of each minute they touch (16 shards: 63 counter writes per 1,000
 * events on the simulated fleet; 8: 33).
 */
const ONCE_SHARDS = 8;
/** Ids per UpdateItem: 40 `NOT contains` clauses stay far inside the 4 KB expression limit. */
const ONCE_PER_UPDATE = 40;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The item a fact is counted in: its minute and its group's shard. */
export function onceItemKey(op: CountOnce): string {
  return `once#m${Math.floor(op.atMs / MINUTE_MS)}#${fnv1a(op.group ?? op.id) % ONCE_SHARDS}`;
}

/**
 * How old an exactly-once item must be before nothing can change it: no counted fact is older
 * than 8 days (events over 7 days old are refused at ingest; stream records over 2 h old go to
 * the failure destination and are counted at arrival), plus an hour of margin.
 */
export const ONCE_IMMUTABLE_MS = 8 * DAY_MS + HOUR_MS;

/** The epoch hour of an exactly-once item's key, or undefined for any other item. */
function onceHourOf(pk: string): number | undefined {
  const m = /^once#m(\d+)#/.exec(pk);
  return m ? Math.floor(Number(m[1]) / 60) : undefined;
}

/** The epoch hour a total item folds, or undefined for any other item. */
function foldedHourOf(pk: string): number | undefined {
  const m = /^total#h(\d+)$/.exec(pk);
  return m ? Number(m[1]) : undefined;
}

/** What an item's set holds for a fact: 96 bits of its SHA-256, base64url. */
export function onceFactHash(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 16);
}

/**
 * Event counts since start, behind `GET /v1/ops/stats`. Counters only add, so concurrent
 * requests' deltas are summed and written together (group commit): under load a handful of
 * UpdateItems a second instead of one per request, and still no count is acknowledged before
 * it is stored.
 */
export class StatsStore {
  private readonly commits: GroupCommit<{ deltas: Deltas; shardSeed: number }>;
  private readonly onceCommits: GroupCommit<CountOnce>;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.commits = new GroupCommit((items) => this.write(items));
    this.onceCommits = new GroupCommit((ops) => this.writeOnce(ops));
  }

  /**
   * Adds each op's deltas unless its id was counted before; resolves once stored. Concurrent
   * callers' ops share writes (group commit), one UpdateItem per item and up to 40 ids.
   */
  async addOnce(ops: readonly CountOnce[]): Promise<void> {
    const useful = ops.filter((op) => Object.values(op.deltas).some((n) => n !== undefined && n !== 0));
    await this.onceCommits.submit(useful);
  }

  private async writeOnce(ops: readonly CountOnce[]): Promise<void> {
    const byItem = new Map<string, Map<string, CountOnce>>();
    for (const op of ops) {
      const key = onceItemKey(op);
      const group = byItem.get(key) ?? new Map<string, CountOnce>();
      const hash = onceFactHash(op.id);
      if (!group.has(hash)) group.set(hash, op);
      byItem.set(key, group);
    }
    await Promise.all(
      [...byItem].map(async ([key, group]) => {
        const list = [...group];
        for (let i = 0; i < list.length; i += ONCE_PER_UPDATE) {
          const chunk = list.slice(i, i + ONCE_PER_UPDATE);
          // The usual case (none counted yet) in one call; if any was, each goes on its own.
          if (!(await this.updateOnce(key, chunk)) && chunk.length > 1)
            for (const op of chunk) await this.updateOnce(key, [op]);
        }
      }),
    );
  }

  /** One conditional UpdateItem: false when some fact of `ops` was already counted (nothing changed). */
  private async updateOnce(key: string, ops: readonly (readonly [string, CountOnce])[]): Promise<boolean> {
    const sums = new Map<Counter, number>();
    for (const [, { deltas }] of ops)
      for (const [k, n] of Object.entries(deltas) as [Counter, number | undefined][])
        if (n) sums.set(k, (sums.get(k) ?? 0) + n);
    const names: Record<string, string> = { '#ops': 'ops' };
    const values: Record<string, unknown> = { ':ops': new Set(ops.map(([hash]) => hash)) };
    for (const [k, n] of sums) {
      names[`#${k}`] = k;
      values[`:${k}`] = n;
    }
    ops.forEach(([hash], i) => {
      values[`:i${i}`] = hash;
    });
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key },
          UpdateExpression: `ADD #ops :ops${[...sums.keys()].map((k) => `, #${k} :${k}`).join('')}`,
          ConditionExpression: ops.map((_, i) => `NOT contains(#ops, :i${i})`).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Adds to counters; `shardSeed` (any number) picks the shard. Resolves once stored. */
  async add(deltas: Deltas, shardSeed: number): Promise<void> {
    if (!Object.values(deltas).some((n) => n !== undefined && n !== 0)) return;
    await this.commits.submit([{ deltas, shardSeed }]);
  }

  private async write(items: readonly { deltas: Deltas; shardSeed: number }[]): Promise<void> {
    const sums = new Map<Counter, number>();
    for (const { deltas } of items)
      for (const [k, n] of Object.entries(deltas) as [Counter, number | undefined][])
        if (n) sums.set(k, (sums.get(k) ?? 0) + n);
    const entries = [...sums].filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    const shard = Math.abs(Math.floor(items[0]!.shardSeed)) % SHARDS;
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `counters#${shard}` },
        UpdateExpression: `ADD ${entries.map(([k]) => `#${k} :${k}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([k, n]) => [`:${k}`, n])),
      }),
    );
  }

  /** Records the consumer's lag: how old the newest processed batch's oldest record was. */
  async setIteratorAge(ageMs: number, nowMs: number): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'consumer' },
        UpdateExpression: 'SET iteratorAgeMs = :a, atMs = :t',
        ExpressionAttributeValues: { ':a': ageMs, ':t': nowMs },
      }),
    );
  }

  /** Every counter-bearing item, paged, without the exactly-once items' fact sets. */
  private async scanCounters(): Promise<Record<string, unknown>[]> {
    const names = Object.fromEntries(
      ['pk', 'iteratorAgeMs', ...COUNTERS].map((a, i) => [`#a${i}`, a] as const),
    );
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.ddb.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * Sums every counter item. An exactly-once item whose hour was already folded into a total
   * (a compaction that stopped before deleting it) is not counted again.
   */
  async read(): Promise<Record<Counter, number> & { iteratorAgeMs: number }> {
    const totals = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
    let iteratorAgeMs = 0;
    const items = await this.scanCounters();
    const folded = new Set(items.flatMap((i) => foldedHourOf(String(i.pk)) ?? []));
    for (const item of items) {
      const pk = String(item.pk);
      if (pk === 'consumer') iteratorAgeMs = Number(item.iteratorAgeMs ?? 0);
      else if (!folded.has(onceHourOf(pk) ?? Number.NaN))
        for (const c of COUNTERS) totals[c] += Number(item[c] ?? 0);
    }
    return { ...totals, iteratorAgeMs };
  }

  /**
   * Folds the exactly-once items of every hour older than {@link ONCE_IMMUTABLE_MS} into one
   * total per hour, and deletes them. Those items can no longer change (no fact that old is
   * counted), so a total is their plain sum, written once: a run that stops between the total
   * and the deletions is finished by the next, and {@link read} skips an hour's leftovers once
   * its total exists. Returns the hours folded and the items deleted.
   */
  async compact(nowMs: number): Promise<{ foldedHours: number; deletedItems: number }> {
    const items = await this.scanCounters();
    const folded = new Set(items.flatMap((i) => foldedHourOf(String(i.pk)) ?? []));
    const closedBefore = Math.floor((nowMs - ONCE_IMMUTABLE_MS) / HOUR_MS);
    const byHour = new Map<number, Record<string, unknown>[]>();
    for (const item of items) {
      const hour = onceHourOf(String(item.pk));
      if (hour === undefined || hour >= closedBefore) continue;
      byHour.set(hour, [...(byHour.get(hour) ?? []), item]);
    }
    let foldedHours = 0;
    let deletedItems = 0;
    for (const [hour, hourItems] of [...byHour].sort((a, b) => a[0] - b[0])) {
      if (!folded.has(hour)) {
        const sums = Object.fromEntries(
          COUNTERS.map((c) => [c, hourItems.reduce((n, i) => n + Number(i[c] ?? 0), 0)]),
        );
        await this.ddb
          .send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: `total#h${hour}`, ...sums },
              // Never over a total written before: this hour's items may be partly deleted since.
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch((err: unknown) => {
            if (!(err instanceof ConditionalCheckFailedException)) throw err;
          });
        foldedHours++;
      }
      await batchWriteAll(
        this.ddb,
        this.tableName,
        hourItems.map((i) => ({ DeleteRequest: { Key: { pk: i.pk } } })),
      );
      deletedItems += hourItems.length;
    }
    return { foldedHours, deletedItems };
  }
}
