/** Where poison records and batches that exhausted their retries go, with their payload. */
export interface FailureEntry {
  source: 'aggregator' | 'esm';
  reason: string;
  atMs: number;
  /** Shard and sequence numbers, so an operator can find the records in the stream. */
  records: { shardId?: string; sequenceNumber: string; dataBase64: string }[];
}

export interface FailureSink {
  put(entry: FailureEntry): Promise<void>;
}
