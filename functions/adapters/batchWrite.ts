import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** One put or delete of a BatchWriteItem. */
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/** Items per BatchWriteItem (DynamoDB's limit). */
const BATCH = 25;
/** Resends of the items a BatchWriteItem hands back unprocessed (throttling) before giving up. */
const RESENDS = 6;

/** Thrown when some items stayed unprocessed after every resend: the caller's retry takes over. */
export class UnprocessedWritesError extends Error {
  constructor(
    readonly table: string,
    readonly unprocessed: number,
  ) {
    super(`${unprocessed} writes to ${table} stayed unprocessed after ${RESENDS} resends`);
    this.name = 'UnprocessedWritesError';
  }
}

/**
 * Unconditional puts and deletes in BatchWriteItems of 25 (one call instead of 25: the SDK's
 * per-call cost dominates a stream consumer's CPU), `concurrency` calls at a time. Items handed
 * back unprocessed are resent with a jittered backoff; if some remain, it throws, and since
 * every write here is idempotent the caller may simply retry the whole. Requests must not repeat
 * a key (DynamoDB refuses such a batch).
 */
export async function batchWriteAll(
  ddb: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  concurrency = 4,
  random: () => number = Math.random,
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) chunks.push(requests.slice(i, i + BATCH));
  await mapLimit(chunks, concurrency, async (chunk) => {
    let pending: readonly WriteRequest[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > RESENDS) throw new UnprocessedWritesError(table, pending.length);
      if (attempt > 0) await new Promise((r) => setTimeout(r, random() * Math.min(1000, 25 * 2 ** attempt)));
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: [...pending] } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  });
}
