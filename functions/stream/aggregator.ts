import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { aggregateSignals, type BucketDelta, bucketId } from '../../lib/hazards/bucketing.ts';
import { cellsToRead, detectHazards } from '../../lib/hazards/detector.ts';
import { type SignalKind, signalOf } from '../../lib/hazards/signals.ts';
import type { BucketEntry } from '../../lib/hazards/slidingWindow.ts';
import { decodeStreamRecord, PoisonRecordError, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import { isRetryableAwsError } from '../adapters/awsClients.ts';
import { areaOfCell } from '../adapters/hazardStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';

interface Decoded {
  sequenceNumber: string;
  record: StreamRecord;
}

/** What one invocation did, for logs and benchmarks. */
export interface AggregationReport {
  records: number;
  events: number;
  poison: number;
  bucketWrites: number;
  hazardsCreated: string[];
  hazardsUpdated: string[];
  /** The buckets this invocation touched: what a live map shows as cells gathering evidence. */
  touched: { kind: string; cell: string; minute: number; cameras: number }[];
}

/**
 * Applies decoded stream records: aggregate signals in memory, write one bucket per
 * signal/cell/minute/sector (set-add, idempotent), read the sliding windows around the
 * touched cells, and create or update hazards. Throws on failure; every step is idempotent,
 * so a retry of the same records changes nothing that already happened.
 */
export async function applyRecords(deps: AppDeps, records: readonly StreamRecord[], nowMs: number) {
  const deltas = [...aggregateSignals(records).values()];
  const failed = await deps.buckets.write(deltas);
  if (failed.length > 0)
    throw new BucketWriteError(
      failed.map((f) => f.delta),
      failed[0]!.error,
    );
  const hazards = await detectAndStore(deps, deltas, nowMs);
  const touched = deltas.map((d) => ({
    kind: d.kind,
    cell: d.cell,
    minute: d.minute,
    cameras: d.pseudonyms.size,
  }));
  return { bucketWrites: deltas.length, touched, ...hazards };
}

class BucketWriteError extends Error {
  override readonly name = 'BucketWriteError';
  readonly code = 'BUCKET_WRITE_FAILED';
  constructor(
    readonly deltas: BucketDelta[],
    override readonly cause: unknown,
  ) {
    super(`${deltas.length} bucket writes failed: ${String(cause)}`);
  }
}

async function detectAndStore(deps: AppDeps, deltas: readonly BucketDelta[], nowMs: number) {
  const created: string[] = [];
  const updated: string[] = [];
  if (deltas.length === 0) return { hazardsCreated: created, hazardsUpdated: updated };
  const window = deps.detector.windowMinutes;
  const fromMinute = (Math.min(...deltas.map((d) => d.minute)) - window + 1) as EpochMinute;
  const toMinute = (Math.max(...deltas.map((d) => d.minute)) + window - 1) as EpochMinute;
  const toRead = cellsToRead(deltas, deps.detector);
  const entries = new Map<SignalKind, Map<string, BucketEntry[]>>();
  const areas = new Set<string>();
  for (const [kind, cells] of toRead) {
    entries.set(kind, await deps.buckets.read(kind, cells, fromMinute, toMinute));
    for (const c of cells) areas.add(areaOfCell(c));
  }
  const active = await deps.hazards.listActive(areas);
  const changes = detectHazards({ deltas, entries, active, config: deps.detector, nowMs });
  for (const change of changes) {
    if (change.op === 'create' && (await deps.hazards.create(change.hazard))) {
      created.push(change.hazard.id);
    } else {
      await deps.hazards.update(change.hazard);
      updated.push(change.hazard.id);
    }
  }
  return { hazardsCreated: created, hazardsUpdated: updated };
}

/** The first record (in shard order) that contributed to any of the failed buckets. */
function firstRecordTouching(
  decoded: readonly Decoded[],
  failed: readonly BucketDelta[],
): string | undefined {
  const ids = new Set(failed.map(bucketId));
  for (const d of decoded) {
    for (const e of d.record.events) {
      const s = signalOf(e);
      if (s && ids.has(bucketId(s))) return d.sequenceNumber;
    }
  }
  return decoded[0]?.sequenceNumber;
}

function arrivalMs(r: KinesisStreamRecord): number {
  return Math.round(r.kinesis.approximateArrivalTimestamp * 1000);
}

/**
 * The stream consumer. Poison records (not JSON, failing the schema) go to the failure sink at
 * once and are skipped: they can never succeed, so they must never block the shard. Retryable
 * failures (throttling) report the first affected record as a batch item failure, so the
 * event source mapping checkpoints before it and retries from there.
 */
export function createAggregatorHandler(deps: AppDeps, onReport?: (r: AggregationReport) => void) {
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>().handler(async (event) => {
    const nowMs = deps.clock();
    const decoded: Decoded[] = [];
    const poison: KinesisStreamRecord[] = [];
    for (const r of event.Records) {
      try {
        decoded.push({
          sequenceNumber: r.kinesis.sequenceNumber,
          record: decodeStreamRecord(Buffer.from(r.kinesis.data, 'base64')),
        });
      } catch (err) {
        if (!(err instanceof PoisonRecordError)) throw err;
        poison.push(r);
      }
    }
    if (poison.length > 0) {
      await deps.failureSink.put({
        source: 'aggregator',
        reason: 'poison record: fails the stream record schema',
        atMs: nowMs,
        records: poison.map((r) => ({
          shardId: r.eventID.split(':')[0] ?? '',
          sequenceNumber: r.kinesis.sequenceNumber,
          dataBase64: r.kinesis.data,
        })),
      });
    }
    let applied: Awaited<ReturnType<typeof applyRecords>>;
    try {
      applied = await applyRecords(
        deps,
        decoded.map((d) => d.record),
        nowMs,
      );
    } catch (err) {
      if (err instanceof BucketWriteError && isRetryableAwsError(err.cause)) {
        const seq = firstRecordTouching(decoded, err.deltas);
        return { batchItemFailures: seq ? [{ itemIdentifier: seq }] : [] };
      }
      if (isRetryableAwsError(err) && decoded[0]) {
        return { batchItemFailures: [{ itemIdentifier: decoded[0].sequenceNumber }] };
      }
      throw err;
    }
    const events = decoded.reduce((n, d) => n + d.record.events.length, 0);
    const oldest = Math.min(...event.Records.map(arrivalMs));
    await deps.stats.add({ processed: events, failedToDestination: poison.length }, oldest);
    if (event.Records.length > 0) await deps.stats.setIteratorAge(Math.max(0, nowMs - oldest), nowMs);
    onReport?.({ records: event.Records.length, events, poison: poison.length, ...applied });
    return { batchItemFailures: [] };
  });
}

export const handler = lambdaEntry((deps) => createAggregatorHandler(deps));
