import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import { parseSector } from '../../lib/hazards/headingSector.ts';
import type { SignalKind } from '../../lib/hazards/signals.ts';
import type { BucketEntry } from '../../lib/hazards/slidingWindow.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** Buckets outlive the 20-minute window by far: late events and the map still read them. */
export const BUCKET_RETENTION_S = 48 * 3600;
const MINUTE_DIGITS = 10;

function pkOf(kind: SignalKind, cell: string): string {
  return `${kind}#${cell}`;
}
function skOf(minute: number, sector: string): string {
  return `${String(minute).padStart(MINUTE_DIGITS, '0')}#${sector}`;
}

/**
 * Minute buckets in DynamoDB. A write adds pseudonyms to a string set (`ADD`), which is
 * idempotent: replaying a batch, in any split, any number of times, leaves the set unchanged.
 * Key design: pk = signal#cell spreads a city over thousands of partitions; one cell's busiest
 * minute is a handful of writes per batch, far below the 1,000 WCU/s partition limit.
 */
export class BucketStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes each delta with one UpdateItem; returns the deltas that failed, with their errors. */
  async write(
    deltas: readonly BucketDelta[],
    concurrency = 16,
  ): Promise<{ delta: BucketDelta; error: unknown }[]> {
    const failed: { delta: BucketDelta; error: unknown }[] = [];
    await mapLimit(deltas, concurrency, async (d) => {
      try {
        await this.ddb.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: pkOf(d.kind, d.cell), sk: skOf(d.minute, String(d.sector)) },
            UpdateExpression: 'ADD cams :p SET expiresAt = :e',
            ExpressionAttributeValues: {
              ':p': new Set(d.pseudonyms),
              ':e': Math.floor(d.lastTsMs / 1000) + BUCKET_RETENTION_S,
            },
          }),
        );
      } catch (error) {
        failed.push({ delta: d, error });
      }
    });
    return failed;
  }

  /** Reads the buckets of the given cells over [fromMinute, toMinute]: one Query per cell. */
  async read(
    kind: SignalKind,
    cells: Iterable<string>,
    fromMinute: EpochMinute,
    toMinute: EpochMinute,
    concurrency = 16,
  ): Promise<Map<string, BucketEntry[]>> {
    const out = new Map<string, BucketEntry[]>();
    await mapLimit([...cells], concurrency, async (cell) => {
      const entries: BucketEntry[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.ddb.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':pk': pkOf(kind, cell),
              ':lo': skOf(fromMinute, ''),
              ':hi': skOf(toMinute, '~'),
            },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        for (const item of res.Items ?? []) {
          const [minute, sector] = String(item.sk).split('#') as [string, string];
          const cams = item.cams as Set<string> | undefined;
          entries.push({
            cell,
            minute: Number(minute) as EpochMinute,
            sector: parseSector(sector),
            pseudonyms: cams ? [...cams] : [],
          });
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
      if (entries.length > 0) out.set(cell, entries);
    });
    return out;
  }
}
