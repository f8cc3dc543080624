import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export const COUNTERS = ['accepted', 'duplicates', 'rejected', 'processed', 'failedToDestination'] as const;
export type Counter = (typeof COUNTERS)[number];

/**
 * Spreads one counter over shards so that ingest at thousands of batches a second does not
 * hammer a single partition (1,000 writes/s each).
 */
const SHARDS = 8;

/** Event counts since start, behind `GET /v1/ops/stats`. */
export class StatsStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds to counters in one write; `shardSeed` (any number) picks the shard. */
  async add(deltas: Partial<Record<Counter, number>>, shardSeed: number): Promise<void> {
    const entries = Object.entries(deltas).filter(([, n]) => n !== undefined && n !== 0);
    if (entries.length === 0) return;
    const shard = Math.abs(Math.floor(shardSeed)) % SHARDS;
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
