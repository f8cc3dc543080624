import { join } from 'node:path';
import { createAggregatorHandler, createInsightsConsumerHandler } from '../functions/registry.ts';
import type { AppDeps } from '../functions/runtime/deps.ts';
import { type AggregationReport, destinationCounts } from '../functions/stream/aggregator.ts';
import { AGGREGATOR_ESM } from '../lib/resources.ts';
import { EsmRunner, type EsmRunnerOptions, type EsmSettings } from './esmRunner.ts';

/** The Kinesis consumers' event source mappings of the local stack. */
export interface StreamConsumers {
  /** Stops polling after the in-flight batches; waits up to `drainMs` for the shards to be read out. */
  stop(drainMs: number): Promise<void>;
}

/** What the consumers need besides their dependencies: plain data, so it can cross to a worker. */
export interface StreamConsumerOptions {
  region: string;
  dataDir?: string | undefined;
  esm?: Partial<EsmSettings> | undefined;
}

/**
 * Starts the aggregator and the insights consumer under their own event source mappings on the
 * telemetry stream, as on AWS: each its own position and checkpoints.
 */
export async function startStreamConsumers(
  deps: AppDeps,
  opts: StreamConsumerOptions,
  log: (line: string) => void,
  onAggregation?: (report: AggregationReport) => void,
): Promise<StreamConsumers> {
  const { names, failureSink } = deps;
  const mapping = (
    functionName: string,
    handler: EsmRunnerOptions['handler'],
    checkpoint: string,
    onFailedToDestination?: EsmRunnerOptions['onFailedToDestination'],
  ) =>
    new EsmRunner({
      kinesis: deps.clients.kinesis,
      streamName: names.telemetryStream,
      streamArn: `arn:aws:kinesis:${opts.region}:000000000000:stream/${names.telemetryStream}`,
      functionName,
      handler,
      settings: { ...AGGREGATOR_ESM, ...opts.esm },
      failureSink,
      ...(opts.dataDir ? { checkpointFile: join(opts.dataDir, checkpoint) } : {}),
      ...(onFailedToDestination ? { onFailedToDestination } : {}),
      log,
    });
  // `failedToDestination` counts the aggregator's mapping only (both consumers read the same
  // records), once per record id and in events, as `accepted` is (see destinationCounts).
  const aggregator = mapping(
    'aggregator',
    createAggregatorHandler(deps, onAggregation),
    'checkpoints.json',
    (_, sent) => void deps.stats.addOnce(destinationCounts(sent)),
  );
  await aggregator.start();
  const insights = mapping(
    'insightsConsumer',
    createInsightsConsumerHandler(deps),
    'checkpoints-insights.json',
  );
  await insights.start();
  return {
    stop: async (drainMs) => {
      await Promise.all([aggregator.stop(drainMs), insights.stop(drainMs)]);
    },
  };
}
