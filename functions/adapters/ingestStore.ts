import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/** A camera retries a batch for days at most; markers outlive that, then TTL removes them. */
export const BATCH_MARKER_RETENTION_S = 7 * 24 * 3600;

/** What marking a batch found: whether this request was the first, and the first one's facts. */
export interface BatchMark {
  /** True when this request recorded the batch (also after an SDK retry of its own lost answer). */
  first: boolean;
  /** Events the first request accepted: what the batch counts, whoever finishes counting it. */
  events: number;
  /** When the batch was first marked: fixes which exactly-once counter item counts it. */
  atMs: number;
}

/** Markers of accepted batches: the ingest side of "a retried batch is not counted twice". */
export class IngestStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a batch as accepted; false when another request recorded it first (see {@link markBatch}). */
  async mark(batchKey: string, events: number, nowMs: number, pseudonym: string): Promise<boolean> {
    return (await this.markBatch(batchKey, events, nowMs, pseudonym)).first;
  }

  /**
   * Records a batch as accepted. `pseudonym` (of the ingest day) is what a deletion job matches;
   * it is no more linkable than a bucket's set.
   *
   * Each call writes a token of its own: when the SDK retries the conditional put after a lost
   * answer, the retry fails its condition against the call's own first write, and the token
   * (read back) tells that apart from another request's marker — otherwise the batch would be
   * answered as a duplicate and its acceptance never counted.
   */
  async markBatch(batchKey: string, events: number, nowMs: number, pseudonym: string): Promise<BatchMark> {
    const token = randomUUID();
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: batchKey,
            events,
            p: pseudonym,
            t: token,
            at: nowMs,
            expiresAt: Math.floor(nowMs / 1000) + BATCH_MARKER_RETENTION_S,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
        }),
      );
      return { first: true, events, atMs: nowMs };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const res = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: batchKey }, ConsistentRead: true }),
    );
    const item = res.Item;
    // Markers written before tokens existed have no `at`: their expiry tells when they were made.
    const atMs = Number(item?.at ?? (Number(item?.expiresAt ?? 0) - BATCH_MARKER_RETENTION_S) * 1000);
    return { first: item?.t === token, events: Number(item?.events ?? events), atMs };
  }
}
