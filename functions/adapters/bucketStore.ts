import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent } from 'h3-js';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import { parseSector } from '../../lib/hazards/headingSector.ts';
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

/**
 * Minute buckets in DynamoDB. A write adds pseudonyms to a string set (`ADD`), which is
 * idempotent: replaying a batch, in any split, any number of times, leaves the set unchanged.
 * Key design: pk = `b#<res-8 parent>` spreads a city over hundreds of partitions; sk =
 * minute#kind#cell#sector. A busy res-8 area sees at most a few hundred bucket writes a
 * minute, far below DynamoDB's 1,000 WCU/s per-partition limit; a hotter one would shard the
 * pk by sector.
 */
export class BucketStore implements BucketRepository {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  partitionOf(cell: string): string {
    return partitionOf(cell);
  }

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
            Key: {
              pk: `b#${partitionOf(d.cell)}`,
              sk: `${minuteKey(d.minute)}#${d.kind}#${d.cell}#${String(d.sector)}`,
            },
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
          const [minute, kind, cell, sector] = String(item.sk).split('#') as [
            string,
            BucketKind,
            string,
            string,
          ];
          if (kinds && !kinds.has(kind)) continue;
          const cams = item.cams as Set<string> | undefined;
          entries.push({
            kind,
            cell,
            minute: Number(minute) as EpochMinute,
            sector: parseSector(sector),
            pseudonyms: cams ? [...cams] : [],
          });
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
      return entries;
    });
    return lists.flat();
  }
}
