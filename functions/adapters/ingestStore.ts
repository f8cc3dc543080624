import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

/** A camera retries a batch for days at most; markers outlive that, then TTL removes them. */
export const BATCH_MARKER_RETENTION_S = 7 * 24 * 3600;

/** Markers of accepted batches: the ingest side of "a retried batch is not counted twice". */
export class IngestStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records a batch as accepted; false when another request recorded it first. `pseudonym` (of
   * the ingest day) is what a deletion job matches; it is no more linkable than a bucket's set.
   */
  async mark(batchKey: string, events: number, nowMs: number, pseudonym: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: batchKey,
            events,
            p: pseudonym,
            expiresAt: Math.floor(nowMs / 1000) + BATCH_MARKER_RETENTION_S,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
