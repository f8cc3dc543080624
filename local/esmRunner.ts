import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import type { FailureSink } from '../functions/runtime/failureSink.ts';

/** The event source mapping settings the runner reproduces (the same object configures CDK). */
export interface EsmSettings {
  batchSize: number;
  maxBatchingWindowS: number;
  retryAttempts: number;
  bisectOnError: boolean;
  maxRecordAgeS: number;
  reportBatchItemFailures: boolean;
}

export type StreamHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | undefined>;

export interface EsmRunnerOptions {
  kinesis: KinesisClient;
  streamName: string;
  streamArn: string;
  functionName: string;
  handler: StreamHandler;
  settings: EsmSettings;
  failureSink: FailureSink;
  /** Where checkpoints persist between runs; in memory when undefined. */
  checkpointFile?: string;
  /**
   * Called with the records sent to the on-failure destination: their count, and each one's
   * stable id (`<shardId>:<sequenceNumber>`), payload and arrival time, so a counter can count each once and
   * in events (see `destinationCounts` in functions/stream/aggregator.ts).
   */
  onFailedToDestination?: (
    records: number,
    sent: readonly { id: string; data: Uint8Array; arrivalMs: number }[],
  ) => void;
  log?: (line: string) => void;
  idlePollMs?: number;
}

/** Minimal Lambda context for a local invocation. */
export function localContext(functionName: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** A Kinesis record as the event source mapping hands it to a Lambda. */
export function toLambdaRecord(r: _Record, shardId: string, arn: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey ?? '',
      sequenceNumber: r.SequenceNumber ?? '',
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
    awsRegion: 'local',
    eventSourceARN: arn,
  };
}

/**
 * A local Kinesis event source mapping. Reproduces what the handlers rely on: one poller per
 * shard, in order; batches of up to `batchSize` gathered for up to `maxBatchingWindowS`;
 * `ReportBatchItemFailures` checkpointing (resume at the lowest failed sequence number); a
 * thrown error retries the batch, bisecting it when `bisectOnError`; after `retryAttempts`
 * failed retries, or for records older than `maxRecordAgeS`, the records go to the on-failure
 * destination with their payload and the shard moves on. Not reproduced: parallelization
 * factor > 1 (one batch per shard at a time), shard splits/merges, tumbling windows.
 */
export class EsmRunner {
  private stopping = false;
  private loops: Promise<void>[] = [];
  private checkpoints: Record<string, string> = {};
  private lagMs = new Map<string, number>();
  private readonly log: (line: string) => void;

  constructor(private readonly opts: EsmRunnerOptions) {
    this.log = opts.log ?? (() => {});
    if (opts.checkpointFile) {
      try {
        this.checkpoints = JSON.parse(readFileSync(opts.checkpointFile, 'utf8')) as Record<string, string>;
      } catch {
        this.checkpoints = {};
      }
    }
  }

  async start(): Promise<void> {
    const shards = await this.opts.kinesis.send(new ListShardsCommand({ StreamName: this.opts.streamName }));
    for (const shard of shards.Shards ?? []) {
      if (shard.ShardId) this.loops.push(this.pollShard(shard.ShardId));
    }
  }

  /** True when every shard's last poll found nothing left to read. */
  caughtUp(): boolean {
    return [...this.lagMs.values()].every((ms) => ms === 0);
  }

  /** Stops polling after the in-flight batches; waits up to `drainMs` for the shards to be read out first. */
  async stop(drainMs = 0): Promise<void> {
    const until = Date.now() + drainMs;
    while (Date.now() < until && !this.caughtUp()) await sleep(50);
    this.stopping = true;
    await Promise.all(this.loops);
    this.saveCheckpoints();
  }

  /**
   * Written to a temporary file and renamed over the old one: a process killed mid-write leaves
   * the previous checkpoints, not a truncated file (which would replay the stream from its start
   * and send every record older than maxRecordAgeS to the failure destination).
   */
  private saveCheckpoints(): void {
    const file = this.opts.checkpointFile;
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(this.checkpoints));
    renameSync(`${file}.tmp`, file);
  }

  private async iterator(shardId: string): Promise<string> {
    const after = this.checkpoints[shardId];
    const res = await this.opts.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.opts.streamName,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return res.ShardIterator!;
  }

  private async pollShard(shardId: string): Promise<void> {
    const { settings } = this.opts;
    let iterator = await this.iterator(shardId);
    let buffer: _Record[] = [];
    let windowStart = 0;
    this.lagMs.set(shardId, 1);
    while (!this.stopping) {
      try {
        const res = await this.opts.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: settings.batchSize - buffer.length }),
        );
        iterator = res.NextShardIterator ?? iterator;
        const got = res.Records ?? [];
        if (got.length > 0 && buffer.length === 0) windowStart = Date.now();
        buffer.push(...got);
        const windowOver = Date.now() - windowStart >= settings.maxBatchingWindowS * 1000;
        if (buffer.length >= settings.batchSize || (buffer.length > 0 && (windowOver || got.length === 0))) {
          this.lagMs.set(shardId, 1);
          await this.deliver(shardId, buffer);
          buffer = [];
          continue;
        }
        this.lagMs.set(shardId, got.length === 0 && buffer.length === 0 ? 0 : 1);
        if (got.length === 0) await sleep(this.opts.idlePollMs ?? 200);
      } catch (err) {
        this.log(`esm ${shardId}: poll failed: ${String(err)}`);
        await sleep(250 + Math.random() * 500);
        iterator = await this.iterator(shardId).catch(() => iterator);
        buffer = [];
      }
    }
  }

  /** Delivers one batch with the retry/bisect/destination semantics, then checkpoints past it. */
  private async deliver(shardId: string, records: _Record[]): Promise<void> {
    const { settings } = this.opts;
    const maxAgeMs = settings.maxRecordAgeS * 1000;
    const now = Date.now();
    const fresh = records.filter((r) => now - (r.ApproximateArrivalTimestamp?.getTime() ?? now) <= maxAgeMs);
    if (fresh.length < records.length) {
      await this.toDestination(
        shardId,
        records.filter((r) => !fresh.includes(r)),
        'record older than maxRecordAgeS',
      );
    }
    await this.invokeWithRetries(shardId, fresh, 0);
    const last = records.at(-1)?.SequenceNumber;
    if (last) this.checkpoints[shardId] = last;
    this.saveCheckpoints();
  }

  private async invokeWithRetries(shardId: string, records: _Record[], attempt: number): Promise<void> {
    if (records.length === 0) return;
    const { settings } = this.opts;
    let pending = records;
    for (let tries = attempt; ; tries++) {
      const event: KinesisStreamEvent = {
        Records: pending.map((r) => toLambdaRecord(r, shardId, this.opts.streamArn)),
      };
      let failedFrom: number | undefined;
      try {
        const res = await this.opts.handler(event, localContext(this.opts.functionName));
        const ids = settings.reportBatchItemFailures ? (res?.batchItemFailures ?? []) : [];
        if (ids.length === 0) return;
        const seqs = new Set(ids.map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => r.SequenceNumber !== undefined && seqs.has(r.SequenceNumber));
        // An unknown identifier fails the whole batch, as on AWS.
        if (failedFrom < 0) failedFrom = 0;
      } catch (err) {
        this.log(`esm ${shardId}: handler threw (attempt ${tries + 1}): ${String(err)}`);
        if (settings.bisectOnError && pending.length > 1 && tries < settings.retryAttempts) {
          const mid = Math.ceil(pending.length / 2);
          await this.invokeWithRetries(shardId, pending.slice(0, mid), tries + 1);
          await this.invokeWithRetries(shardId, pending.slice(mid), tries + 1);
          return;
        }
        failedFrom = 0;
      }
      // Checkpoint before the first failed record; retry from it.
      pending = pending.slice(failedFrom);
      if (tries >= settings.retryAttempts) {
        await this.toDestination(shardId, pending, `retries exhausted after ${tries + 1} attempts`);
        return;
      }
      // Exponential backoff with equal jitter: shards retrying after a shared outage (a throttled
      // table) do not come back in lockstep.
      const backoffMs = Math.min(2000, 100 * 2 ** tries);
      await sleep(backoffMs / 2 + Math.random() * (backoffMs / 2));
    }
  }

  private async toDestination(shardId: string, records: _Record[], reason: string): Promise<void> {
    if (records.length === 0) return;
    await this.opts.failureSink.put({
      source: 'esm',
      reason,
      atMs: Date.now(),
      records: records.map((r) => ({
        shardId,
        sequenceNumber: r.SequenceNumber ?? '',
        dataBase64: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      })),
    });
    this.opts.onFailedToDestination?.(
      records.length,
      records.map((r) => ({
        id: `${shardId}:${r.SequenceNumber ?? ''}`,
        data: r.Data ?? new Uint8Array(),
        arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? 0,
      })),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
