import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { type Contribution, contributionsOf } from '../../lib/insights/contributions.ts';
import type { TrainingSampleRepository } from '../../lib/learning/trainingSampleRepository.ts';
import { storeTrainingRecords } from '../../lib/learning/trainingSet.ts';
import { type NightObservation, nightObservationsOf } from '../../lib/night/nightObservations.ts';
import { decodeStreamRecord, PoisonRecordError, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import { isRetryableAwsError } from '../adapters/awsClients.ts';
import { TrainingSampleStore } from '../adapters/trainingSampleStore.ts';
import type { AppDeps, ResourceNames } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, METRIC, MetricUnit, metrics, observability } from '../runtime/observability.ts';

/** What one invocation did, for logs and tests. */
export interface InsightsReport {
  records: number;
  poison: number;
  contributions: number;
  /** Contributions written (the rest were too late for their day's raw retention). */
  written: number;
  /** `night_scene` observations written (docs/night-vision.md). */
  nightWritten: number;
  /** New `training_sample` events stored for the next training round (docs/badas-learning.md). */
  trainingStored: number;
}

/** Where the consumer puts `night_scene` observations (NightStore; a fake in tests). */
export interface NightObservationSink {
  putObservations(observations: readonly NightObservation[], nowMs: number): Promise<number>;
}

/**
 * The second consumer of the telemetry stream, on its own event source mapping: it feeds the
 * insurer insights without touching the live hazard path. Each record becomes one raw item per
 * partition-hour it touched (see InsightsStore), so the work is a few puts per record and a
 * replay in any split rewrites the same items. Poison records are skipped: the aggregator,
 * reading the same stream, already sends them to the failure destination. A retryable failure
 * reports the first record as failed, and the mapping retries the batch from there — safe,
 * because every write is an idempotent overwrite.
 *
 * Not Powertools Batch, for the aggregator's reason (see createAggregatorHandler): per-record
 * handling would write each record's partition-day rollup marks on its own instead of once per
 * batch, and a retry from the first record is already exactly-once in effect here.
 */
export function createInsightsConsumerHandler(
  deps: Pick<AppDeps, 'insights' | 'night' | 'clients' | 'clock'> & {
    names: Pick<ResourceNames, 'insightsRawTable'>;
  },
  onReport?: (r: InsightsReport) => void,
  // Night observations share the insights tables (and their retention and deletion sweep).
  night: NightObservationSink = deps.night,
  // Training samples too: InsightsRaw's deletion sweep covers them (their `p` is the pseudonym).
  training?: TrainingSampleRepository,
) {
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(observability())
    .handler(async (event) => {
      const contributions: Contribution[] = [];
      const observations: NightObservation[] = [];
      const decoded: StreamRecord[] = [];
      let poison = 0;
      for (const r of event.Records) {
        try {
          const record = decodeStreamRecord(Buffer.from(r.kinesis.data, 'base64'));
          contributions.push(...contributionsOf(record));
          observations.push(...nightObservationsOf(record));
          decoded.push(record);
        } catch (err) {
          if (!(err instanceof PoisonRecordError)) throw err;
          poison++;
        }
      }
      let written: number;
      let nightWritten = 0;
      let trainingStored = 0;
      try {
        written = await deps.insights.putContributions(contributions, deps.clock());
        if (observations.length > 0) nightWritten = await night.putObservations(observations, deps.clock());
        if (decoded.some((r) => r.events.some((e) => e.type === 'training_sample'))) {
          training ??= new TrainingSampleStore(deps.clients.ddb, deps.names.insightsRawTable, deps.clock);
          trainingStored = (await storeTrainingRecords(decoded, training)).stored;
        }
      } catch (err) {
        const first = event.Records[0];
        if (isRetryableAwsError(err) && first) {
          metrics.addMetric(METRIC.batchItemFailures, MetricUnit.Count, 1);
          logger().warn('retryable failure, batch retried', { error: err as Error });
          return { batchItemFailures: [{ itemIdentifier: first.kinesis.sequenceNumber }] };
        }
        throw err;
      }
      metrics.addMetric(METRIC.insightsContributions, MetricUnit.Count, written);
      metrics.addMetric(METRIC.batchItemFailures, MetricUnit.Count, 0);
      onReport?.({
        records: event.Records.length,
        poison,
        contributions: contributions.length,
        written,
        nightWritten,
        trainingStored,
      });
      return { batchItemFailures: [] };
    });
}

export const handler = lambdaEntry((deps) => createInsightsConsumerHandler(deps), 'insightsConsumer');
