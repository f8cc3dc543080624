import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { aggregateSignals, type BucketDelta, bucketId } from '../../lib/hazards/bucketing.ts';
import { exposuresOf, signalOf } from '../../lib/hazards/signals.ts';
import { recordKeyOf } from '../../lib/insights/contributions.ts';
import {
  type AggregationReport,
  type AggregatorRepositories,
  applyRecords,
  BucketWriteError,
} from '../../lib/stream/applyRecords.ts';
import { decodeStreamRecord, PoisonRecordError, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import { isRetryableAwsError } from '../adapters/awsClients.ts';
import type { CountOnce } from '../adapters/statsStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, METRIC, MetricUnit, metrics, observability } from '../runtime/observability.ts';

export { type AggregationReport, applyRecords };

/**
 * What the aggregator is handed: its repositories, the ops counters and the failure
 * destination, no more (the tables its IAM grant names).
 */
export type AggregatorDeps = AggregatorRepositories & Pick<AppDeps, 'stats' | 'failureSink' | 'clock'>;

interface Decoded {
  sequenceNumber: string;
  record: StreamRecord;
}

/**
 * The first record (in shard order) that contributed to any of the failed buckets: a signal, or
 * a pass (passes next to a batch's own evidence share the signals' write).
 */
function firstRecordTouching(
  decoded: readonly Decoded[],
  failed: readonly BucketDelta[],
): string | undefined {
  const ids = new Set(failed.map(bucketId));
  for (const d of decoded) {
    for (const e of d.record.events) {
      const s = signalOf(e);
      if (s && ids.has(bucketId(s))) return d.sequenceNumber;
      if (exposuresOf(e).some((x) => ids.has(bucketId(x)))) return d.sequenceNumber;
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
 *
 * Why not Powertools Batch: its model is one handler call per record with per-record partial
 * failures, and the aggregator's saving comes from records sharing bucket writes (one set-add
 * per kind, area and minute for the whole batch). Applied one record at a time, the same
 * 20 simulated minutes of 100 cameras cost ~118 writes per 1,000 events instead of ~82
 * (`dashnet bench --only dynamodb`: `dynamodb.writes_per_1k_events.per_record`). Partial failure
 * is still reported, at the first record touching a failed bucket, which is what the mapping
 * needs to checkpoint.
 */
export function createAggregatorHandler(deps: AggregatorDeps, onReport?: (r: AggregationReport) => void) {
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(observability())
    .handler(async (event) => {
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
        metrics.addMetric(METRIC.poisonRecords, MetricUnit.Count, poison.length);
        logger().warn('poison records sent to the failure destination', { records: poison.length });
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
        const records = decoded.map((d) => d.record);
        applied = await applyRecords(deps, records, nowMs);
        await markOldEvidence(deps, records);
      } catch (err) {
        if (err instanceof BucketWriteError && isRetryableAwsError(err.cause)) {
          const seq = firstRecordTouching(decoded, err.deltas);
          return batchFailure(seq, err);
        }
        if (isRetryableAwsError(err) && decoded[0]) return batchFailure(decoded[0].sequenceNumber, err);
        throw err;
      }
      const events = decoded.reduce((n, d) => n + d.record.events.length, 0);
      const oldest = Math.min(...event.Records.map(arrivalMs));
      // Exactly once per record however often it is delivered (a crash before the checkpoint, a
      // camera's retried batch written twice, an SDK retry after a lost answer): keyed by the
      // record's stable key, at its first event's hour.
      await deps.stats.addOnce([
        ...decoded.map((d) => ({
          id: `p#${recordKeyOf(d.record)}`,
          atMs: Math.min(...d.record.events.map((e) => Date.parse(e.ts))),
          deltas: { processed: d.record.events.length },
          // A camera batch's records share an item where they share a minute.
          group: d.record.batchKey,
        })),
        ...poison.map((r) => ({
          id: `x#${r.eventID}`,
          atMs: arrivalMs(r),
          deltas: { failedToDestination: 1 },
        })),
      ]);
      // A gauge, rewritten every batch: a failed write of it must not fail a batch already
      // counted as processed (a retry could then send it to the destination and count it twice).
      if (event.Records.length > 0)
        await deps.stats.setIteratorAge(Math.max(0, nowMs - oldest), nowMs).catch(() => {});
      metrics.addMetric(METRIC.processed, MetricUnit.Count, events);
      metrics.addMetric(METRIC.hazardsRaised, MetricUnit.Count, applied.hazardsCreated.length);
      metrics.addMetric(METRIC.hazardsCleared, MetricUnit.Count, applied.hazardsCleared.length);
      metrics.addMetric(METRIC.batchItemFailures, MetricUnit.Count, 0);
      if (event.Records.length > 0)
        metrics.addMetric(METRIC.iteratorAgeMs, MetricUnit.Milliseconds, Math.max(0, nowMs - oldest));
      for (const id of applied.hazardsCreated) logger().info('hazard raised', { hazardId: id });
      for (const id of applied.hazardsCleared) logger().info('hazard cleared', { hazardId: id });
      onReport?.({ records: event.Records.length, events, poison: poison.length, ...applied });
      return { batchItemFailures: [] };
    });
}

/**
 * Marks every partition-hour the records' signals fall in for the baseline rollup. applyRecords
 * marks them too, but returns before that for a batch of only old evidence (nothing live to
 * detect on); such a batch is what a camera's retried backlog, or a redelivery after a crash,
 * often is, and its hours were never rolled up (found by the crash harness, test/faults). The
 * store remembers its marks, so hours applyRecords marked cost no second write.
 */
async function markOldEvidence(deps: AggregatorDeps, records: readonly StreamRecord[]): Promise<void> {
  const dirty = new Map<string, { partition: string; hour: number }>();
  for (const d of aggregateSignals(records).values()) {
    const partition = deps.buckets.partitionOf(d.cell);
    const hour = Math.floor(d.minute / 60);
    dirty.set(`${hour}#${partition}`, { partition, hour });
  }
  if (dirty.size > 0) await deps.baselines.markDirty(dirty.values());
}

/**
 * The ops counts of records the aggregator's event source mapping sent to the failure
 * destination (retries exhausted, too old): each record once (by its shard and sequence number,
 * however often the mapping's callback runs) and in events, as `accepted` counts them, so that
 * accepted = processed + failedToDestination; a poison record counts as one.
 */
export function destinationCounts(
  sent: readonly { id: string; data: Uint8Array; arrivalMs: number }[],
): CountOnce[] {
  return sent.map(({ id, data, arrivalMs }) => {
    let events = 1;
    try {
      events = decodeStreamRecord(data).events.length;
    } catch (err) {
      if (!(err instanceof PoisonRecordError)) throw err;
    }
    // Keyed and placed as the aggregator counts a poison record itself: one count whoever reports it.
    return { id: `x#${id}`, atMs: arrivalMs, deltas: { failedToDestination: events } };
  });
}

/** A retryable failure: the mapping checkpoints before `seq` and retries from there. */
function batchFailure(seq: string | undefined, err: unknown): KinesisStreamBatchResponse {
  metrics.addMetric(METRIC.batchItemFailures, MetricUnit.Count, seq ? 1 : 0);
  logger().warn('retryable failure, batch retried from the first affected record', { error: err as Error });
  return { batchItemFailures: seq ? [{ itemIdentifier: seq }] : [] };
}

export const handler = lambdaEntry((deps) => createAggregatorHandler(deps), 'aggregator');
