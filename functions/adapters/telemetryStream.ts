import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { PartitionedRecord } from '../../lib/ingest/partitionRecords.ts';
import { encodeStreamRecord } from '../../lib/stream/streamRecord.ts';

/** PutRecords takes at most 500 records per call (Kinesis API reference, PutRecords). */
const MAX_RECORDS_PER_CALL = 500;
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
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_CALL) {
    let pending = records.slice(i, i + MAX_RECORDS_PER_CALL).map((r) => ({
      PartitionKey: r.partitionKey,
      Data: encodeStreamRecord(r.record),
    }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new StreamWriteError(`${pending.length} records not written`);
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const res = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      if (!res.FailedRecordCount) break;
      pending = pending.filter((_, j) => res.Records?.[j]?.ErrorCode !== undefined);
    }
  }
}
