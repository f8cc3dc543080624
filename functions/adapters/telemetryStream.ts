import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { PartitionedRecord } from '../../lib/ingest/partitionRecords.ts';
import { GroupCommit } from '../../lib/stream/groupCommit.ts';
import { encodeStreamRecord } from '../../lib/stream/streamRecord.ts';

/**
 * PutRecords takes at most 500 records and 5 MiB (data plus partition keys) per call (Kinesis
 * API reference, PutRecords).
 */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
const MAX_ATTEMPTS = 5;

export class StreamWriteError extends Error {
  override readonly name = 'StreamWriteError';
  readonly code = 'STREAM_WRITE_FAILED';
  readonly retryable = true;
}

/**
 * Writes records to the telemetry stream, retrying the records PutRecords reports as failed
 * (throttled shards) with exponential backoff; throws `StreamWriteError` if some never land,
 * so the camera retries the batch (idempotently) instead of losing it.
 */
export async function putStreamRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly PartitionedRecord[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const entries = records.map((r) => ({ PartitionKey: r.partitionKey, Data: encodeStreamRecord(r.record) }));
  for (const chunk of callChunks(entries)) {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new StreamWriteError(`${pending.length} records not written`);
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const res = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      if (!res.FailedRecordCount) break;
      pending = pending.filter((_, j) => res.Records?.[j]?.ErrorCode !== undefined);
    }
  }
}

/** Splits entries into PutRecords calls within both limits, in order. */
function callChunks<E extends { PartitionKey: string; Data: Uint8Array }>(entries: readonly E[]): E[][] {
  const chunks: E[][] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = e.Data.length + e.PartitionKey.length;
    if (
      current.length > 0 &&
      (current.length === MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The telemetry stream as ingest writes it: concurrent requests' records share PutRecords calls
 * (group commit). Each `put` resolves only once its own records landed, and rejects (retryable)
 * when they did not, so a camera is never told 202 for records that are not in the stream.
 */
export class TelemetryStreamWriter {
  private readonly commits: GroupCommit<PartitionedRecord>;

  constructor(kinesis: KinesisClient, streamName: string) {
    this.commits = new GroupCommit(
      (records) => putStreamRecords(kinesis, streamName, records),
      MAX_RECORDS_PER_CALL,
    );
  }

  /** Writes `records` to the stream, possibly together with other requests' records. */
  put(records: readonly PartitionedRecord[]): Promise<void> {
    return this.commits.submit(records);
  }
}
