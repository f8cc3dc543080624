import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GroupCommit } from '../../lib/stream/groupCommit.ts';

export const COUNTERS = ['accepted', 'duplicates', 'rejected', 'processed', 'failedToDestination'] as const;
export type Counter = (typeof COUNTERS)[number];

/**
 * Spreads one counter over shards so that ingest at thousands of batches a second does not
 * hammer a single partition (1,000 writes/s each).
 */
const SHARDS = 8;

type Deltas = Partial<Record<Counter, number>>;

/**
 * Event counts since start, behind `GET /v1/ops/stats`. Counters only add, so concurrent
 * requests' deltas are summed and written together (group commit): under load a handful of
 * UpdateItems a second instead of one per request, and still no count is acknowledged before
 * it is stored.
 */
export class StatsStore {
  private readonly commits: GroupCommit<{ deltas: Deltas; shardSeed: number }>;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.commits = new GroupCommit((items) => this.write(items));
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

  async read(): Promise<Record<Counter, number> & { iteratorAgeMs: number }> {
    const res = await this.ddb.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true }));
    const totals = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
    let iteratorAgeMs = 0;
    for (const item of res.Items ?? []) {
      if (item.pk === 'consumer') iteratorAgeMs = Number(item.iteratorAgeMs ?? 0);
      else for (const c of COUNTERS) totals[c] += Number(item[c] ?? 0);
    }
    return { ...totals, iteratorAgeMs };
  }
}
