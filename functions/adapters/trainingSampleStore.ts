import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TrainingSampleEvent } from '../../lib/contract/events.ts';
import type {
  StoredTrainingSample,
  TrainingSampleRepository,
} from '../../lib/learning/trainingSampleRepository.ts';
import { DAY_MS } from '../../lib/time/durations.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';
import { queryAll } from './queryAll.ts';

/** Samples wait this long for a training round, then expire (TTL): a round runs at least monthly. */
export const TRAINING_SAMPLE_RETENTION_DAYS = 35;
const CONCURRENCY = 16;
/** A day's samples spread over 16 partitions by event id: no hot key on a busy day. */
const SHARDS = '0123456789abcdef';
const shardOf = (eventId: string) => eventId.replace(/[^0-9a-f]/g, '').slice(-1) || '0';

/**
 * Uploaded BADAS training samples in the InsightsRaw table, one item per event id
 * (pk `train#<UTC day>#<shard>`, sk = event id): the first put wins (`attribute_not_exists`),
 * so a replayed stream record stores nothing twice. Each item carries the camera's day
 * pseudonym in `p`, like the other raw contributions, so a deletion request's sweep of
 * InsightsRaw erases it; the k-anonymity gate (lib/learning/trainingSet.ts) counts cameras by it.
 */
export class TrainingSampleStore implements TrainingSampleRepository {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: () => number,
  ) {}

  async putIfAbsent(item: StoredTrainingSample): Promise<boolean> {
    const day = item.sample.ts.slice(0, 10);
    const expiresAt =
      Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + TRAINING_SAMPLE_RETENTION_DAYS * 86_400;
    if (expiresAt * 1000 <= this.clock()) return false;
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `train#${day}#${shardOf(item.sample.id)}`,
            sk: item.sample.id,
            p: item.pseudonym,
            s: JSON.stringify(item.sample),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Every live sample of the retention period, oldest day first. */
  async list(): Promise<StoredTrainingSample[]> {
    const nowMs = this.clock();
    const nowS = Math.floor(nowMs / 1000);
    const days = Array.from({ length: TRAINING_SAMPLE_RETENTION_DAYS + 1 }, (_, i) =>
      isoOf(nowMs - (TRAINING_SAMPLE_RETENTION_DAYS - i) * DAY_MS, 'day'),
    );
    const keys = days.flatMap((day) => [...SHARDS].map((shard) => `train#${day}#${shard}`));
    const pages = await mapLimit(keys, CONCURRENCY, (pk) =>
      queryAll(this.ddb, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    return pages
      .flat()
      .filter((i) => Number(i.expiresAt ?? Number.POSITIVE_INFINITY) > nowS)
      .map((i) => ({ pseudonym: String(i.p), sample: JSON.parse(String(i.s)) as TrainingSampleEvent }));
  }
}
