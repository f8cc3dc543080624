import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { gridDisk } from 'h3-js';
import { baselineAttr, baselineRate, hourOfWeek } from '../../lib/hazards/baseline.ts';
import { BucketIndex } from '../../lib/hazards/bucketIndex.ts';
import {
  aggregateExposure,
  aggregateSignals,
  type BucketDelta,
  bucketId,
} from '../../lib/hazards/bucketing.ts';
import { hazardsToClear } from '../../lib/hazards/clearing.ts';
import { type BaselineLookup, cellsToRead, detectHazards } from '../../lib/hazards/detector.ts';
import { longestWindowMinutes } from '../../lib/hazards/hazardKinds.ts';
import { signalOf } from '../../lib/hazards/signals.ts';
import { decodeStreamRecord, PoisonRecordError, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import { type EpochMinute, epochMinute } from '../../lib/time/epochMinute.ts';
import { isRetryableAwsError } from '../adapters/awsClients.ts';
import type { BaselineItem } from '../adapters/baselineStore.ts';
import { partitionOf } from '../adapters/bucketStore.ts';
import { areaOfCell } from '../adapters/hazardStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, METRIC, MetricUnit, metrics, observability } from '../runtime/observability.ts';

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
  passWrites: number;
  hazardsCreated: string[];
  hazardsUpdated: string[];
  hazardsCleared: string[];
  /** The buckets this invocation touched: what a live map shows as cells gathering evidence. */
  touched: { kind: string; cell: string; minute: number; cameras: number }[];
}

/** Minutes of the window, around the touched minutes, that an invocation reads. */
function minuteRange(deltas: readonly BucketDelta[], windowMinutes: number) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const d of deltas) {
    lo = Math.min(lo, d.minute);
    hi = Math.max(hi, d.minute);
  }
  return { from: (lo - windowMinutes) as EpochMinute, to: (hi + windowMinutes) as EpochMinute };
}

/** A baseline lookup over prefetched baseline items; signals without a learned baseline use the prior. */
function baselineLookup(items: Map<string, Map<string, BaselineItem>>): BaselineLookup {
  return (kind, cells, sectors, minute) => {
    if (kind !== 'brake') return baselineRate({ signals: 0, passers: 0 });
    const byPartition = items.get(String(hourOfWeek(minute)));
    let signals = 0;
    let passers = 0;
    for (const cell of cells) {
      const counts = byPartition?.get(partitionOf(cell));
      if (!counts) continue;
      for (const sector of sectors) {
        const c = counts.get(baselineAttr(cell, sector));
        if (c) {
          signals += c.signals;
          passers += c.passers;
        }
      }
    }
    return baselineRate({ signals, passers });
  };
}

/**
 * Applies decoded stream records. Aggregates in memory first, then: writes one bucket per
 * signal/cell/minute/sector (set-add, idempotent); reads the sliding windows of the touched
 * neighbourhoods (one Query per res-8 partition); writes exposure only for cells where
 * something is happening (evidence nearby or an active hazard) — elsewhere the hourly rollup
 * is the cheaper path; raises or updates hazards against the learned baselines; clears hazards
 * that cameras now pass without braking. Throws on failure; every step is idempotent, so a
 * retry of the same records changes nothing that already happened.
 */
export async function applyRecords(deps: AppDeps, records: readonly StreamRecord[], nowMs: number) {
  const cfg = deps.detector;
  // Reads reach back over the longest window any hazard kind uses (near misses: an hour).
  const windowMinutes = longestWindowMinutes(cfg.windowMinutes);
  const signals = [...aggregateSignals(records).values()];
  const passes = [...aggregateExposure(records).values()];
  const failed = await deps.buckets.write(signals);
  if (failed.length > 0)
    throw new BucketWriteError(
      failed.map((f) => f.delta),
      failed[0]!.error,
    );
  const touched = signals.map((d) => ({
    kind: d.kind,
    cell: d.cell,
    minute: d.minute,
    cameras: d.pseudonyms.size,
  }));
  const report = {
    bucketWrites: signals.length,
    passWrites: 0,
    touched,
    hazardsCreated: [] as string[],
    hazardsUpdated: [] as string[],
    hazardsCleared: [] as string[],
  };

  // Evidence older than the window plus the allowed lateness cannot change a live hazard:
  // it is kept (buckets above, baselines later) but costs no reads.
  const liveFrom = epochMinute(nowMs) - cfg.maxLatenessMinutes - windowMinutes;
  const liveSignals = signals.filter((d) => d.minute >= liveFrom);
  const livePasses = passes.filter((d) => d.minute >= liveFrom);
  if (liveSignals.length === 0 && livePasses.length === 0) return report;

  const cells = cellsToRead(liveSignals, cfg);
  for (const d of livePasses) cells.add(d.cell);
  const partitions = new Set([...cells].map(partitionOf));
  const { from, to } = minuteRange([...liveSignals, ...livePasses], windowMinutes);
  const index = new BucketIndex()
    .add(await deps.buckets.readPartitions(partitions, from, to, nowMs))
    .add(liveSignals);
  const active = await deps.hazards.listActive(new Set([...partitions].map(areaOfCell)));

  const hot = new Set<string>();
  for (const c of [...index.signalCells(), ...active.map((h) => h.cell)]) {
    for (const n of gridDisk(c, cfg.neighbourRings)) hot.add(n);
  }
  const hotPasses = livePasses.filter((d) => hot.has(d.cell));
  const failedPasses = await deps.buckets.write(hotPasses);
  if (failedPasses.length > 0) {
    throw new BucketWriteError(
      failedPasses.map((f) => f.delta),
      failedPasses[0]!.error,
    );
  }
  index.add(hotPasses);
  report.passWrites = hotPasses.length;

  const hours = new Set<number>();
  for (let m: number = from; m <= to; m += 60) hours.add(hourOfWeek(m));
  hours.add(hourOfWeek(to));
  const baselines = new Map<string, Map<string, BaselineItem>>();
  for (const how of hours) baselines.set(String(how), await deps.baselines.read(partitions, how));

  const changes = detectHazards({
    deltas: liveSignals,
    index,
    active,
    config: cfg,
    baseline: baselineLookup(baselines),
    nowMs,
  });
  const changed = new Set<string>();
  for (const change of changes) {
    changed.add(change.hazard.id);
    if (change.op === 'create' && (await deps.hazards.create(change.hazard))) {
      report.hazardsCreated.push(change.hazard.id);
    } else {
      await deps.hazards.update(change.hazard);
      report.hazardsUpdated.push(change.hazard.id);
    }
  }
  const clearable = active.filter((h) => !changed.has(h.id));
  for (const cleared of hazardsToClear({
    active: clearable,
    index,
    neighbourRings: cfg.neighbourRings,
    nowMs,
  })) {
    await deps.hazards.update(cleared);
    report.hazardsCleared.push(cleared.id);
  }

  const dirty = new Map<string, { partition: string; hour: number }>();
  for (const d of [...signals, ...hotPasses]) {
    const partition = partitionOf(d.cell);
    const hour = Math.floor(d.minute / 60);
    dirty.set(`${hour}#${partition}`, { partition, hour });
  }
  await deps.baselines.markDirty(dirty.values());
  return report;
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
 *
 * Why not Powertools Batch: its model is one handler call per record with per-record partial
 * failures, and the aggregator's saving comes from records sharing bucket writes (one set-add
 * per signal/cell/minute/sector for the whole batch). Applied one record at a time, the same
 * 20 simulated minutes of 100 cameras cost 223 writes per 1,000 events instead of 131
 * (`dashnet bench --only dynamodb`: `dynamodb.writes_per_1k_events.per_record`). Partial failure
 * is still reported, at the first record touching a failed bucket, which is what the mapping
 * needs to checkpoint.
 */
export function createAggregatorHandler(deps: AppDeps, onReport?: (r: AggregationReport) => void) {
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
        applied = await applyRecords(
          deps,
          decoded.map((d) => d.record),
          nowMs,
        );
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
      await deps.stats.add({ processed: events, failedToDestination: poison.length }, oldest);
      if (event.Records.length > 0) await deps.stats.setIteratorAge(Math.max(0, nowMs - oldest), nowMs);
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

/** A retryable failure: the mapping checkpoints before `seq` and retries from there. */
function batchFailure(seq: string | undefined, err: unknown): KinesisStreamBatchResponse {
  metrics.addMetric(METRIC.batchItemFailures, MetricUnit.Count, seq ? 1 : 0);
  logger().warn('retryable failure, batch retried from the first affected record', { error: err as Error });
  return { batchItemFailures: seq ? [{ itemIdentifier: seq }] : [] };
}

export const handler = lambdaEntry((deps) => createAggregatorHandler(deps));
