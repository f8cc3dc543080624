import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent } from 'h3-js';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import { parseSector } from '../../lib/hazards/headingSector.ts';
import type { SignalKind } from '../../lib/hazards/signals.ts';
import type { BucketEntry } from '../../lib/hazards/slidingWindow.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** Buckets outlive the 20-minute window by far: late events and the map still read them. */
export const BUCKET_RETENTION_S = 48 * 3600;
const MINUTE_DIGITS = 10;

/**
 * Partition resolution: a res-8 cell (~0.7 km², 49 res-10 cells). A res-10 cell and its ring
 * fall in one to three res-8 parents, so one Query per parent reads a whole cluster's window
 * instead of one Query per cell (7 per touched cell).
 */
export const BUCKET_PARTITION_RESOLUTION = 8;

function pkOf(kind: SignalKind, cell: string): string {
  return `${kind}#${cellToParent(cell, BUCKET_PARTITION_RESOLUTION)}`;
}
function minuteKey(minute: number): string {
  return String(minute).padStart(MINUTE_DIGITS, '0');
}
function skOf(minute: number, cell: string, sector: string): string {
  return `${minuteKey(minute)}#${cell}#${sector}`;
}

/**
 * Minute buckets in DynamoDB. A write adds pseudonyms to a string set (`ADD`), which is
 * idempotent: replaying a batch, in any split, any number of times, leaves the set unchanged.
 * Key design: pk = signal#res-8 parent spreads a city over hundreds of partitions; sk =
 * minute#cell#sector. A busy res-8 area sees at most a few hundred bucket writes a minute,
 * far below DynamoDB's 1,000 WCU/s per-partition limit.
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
            Key: { pk: pkOf(d.kind, d.cell), sk: skOf(d.minute, d.cell, String(d.sector)) },
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

  /** Reads the buckets of the given cells over [fromMinute, toMinute]: one Query per res-8 parent. */
  async read(
    kind: SignalKind,
    cells: Iterable<string>,
    fromMinute: EpochMinute,
    toMinute: EpochMinute,
    concurrency = 16,
  ): Promise<Map<string, BucketEntry[]>> {
    const wanted = new Set(cells);
    const partitions = new Set([...wanted].map((c) => pkOf(kind, c)));
    const out = new Map<string, BucketEntry[]>();
    await mapLimit([...partitions], concurrency, async (pk) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.ddb.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':lo': `${minuteKey(fromMinute)}#`,
              ':hi': `${minuteKey(toMinute)}#~`,
            },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        for (const item of res.Items ?? []) {
          const [minute, cell, sector] = String(item.sk).split('#') as [string, string, string];
          if (!wanted.has(cell)) continue;
          const cams = item.cams as Set<string> | undefined;
          const entry: BucketEntry = {
            cell,
            minute: Number(minute) as EpochMinute,
            sector: parseSector(sector),
            pseudonyms: cams ? [...cams] : [],
          };
          const list = out.get(cell);
          if (list) list.push(entry);
          else out.set(cell, [entry]);
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
    });
    return out;
  }
}
