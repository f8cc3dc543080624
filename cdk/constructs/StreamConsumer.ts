import { Duration } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AGGREGATOR_ESM } from '../../lib/resources.ts';
import { ScopedS3OnFailureDestination } from './ScopedS3OnFailureDestination.ts';

export interface StreamConsumerProps {
  fn: lambda.IFunction;
  stream: kinesis.IStream;
  /** Where batches that exhaust retries or age out go, payload included (same bucket as DASHNET_FAILURE_BUCKET). */
  failureBucket: s3.Bucket;
}

/**
 * The aggregator's event source mapping, with every setting taken from AGGREGATOR_ESM (the
 * local runner reads the same values) and set explicitly, because the defaults are wrong for
 * this consumer (Lambda defaults: retry forever, records live 7 days, no bisect, no partial
 * batch response, no destination):
 *
 * - `reportBatchItemFailures`: the aggregator returns `batchItemFailures` with the first record
 *   a retryable failure touched; Lambda checkpoints before it and retries from there, so the
 *   records already applied are not re-sent. Without this setting the response is ignored.
 * - `bisectBatchOnError`: an unexpected throw splits the batch in two and retries each half,
 *   isolating a bad record in log2(batchSize) ≈ 9 steps instead of blocking the shard (bisected
 *   retries do not count against `retryAttempts`).
 * - `retryAttempts` bounded: effects are idempotent (set-add buckets, conditional hazard
 *   writes), so retrying is safe, but retrying forever would stall the shard behind one batch.
 * - `maxRecordAge` 1 h: a record older than the 20-minute window plus allowed lateness can no
 *   longer change a live hazard; such records go to S3 instead of delaying fresh ones.
 * - on-failure destination S3: unlike SQS/SNS (256 KB, metadata only) an S3 destination keeps
 *   the whole invocation record, so a discarded batch can be replayed.
 * - `parallelizationFactor`: up to N concurrent batches per shard, still in order per partition
 *   key (one H3 res-5 area), which is the order the sliding window needs.
 * - `batchSize` / `maxBatchingWindow`: large batches amortise the window reads over many events
 *   (one Query per touched cell per batch), while a 1 s window keeps hazard latency low.
 * - `startingPosition` TRIM_HORIZON: on first deployment read what is already in the stream
 *   rather than skip it; older than `maxRecordAge` goes to the destination.
 * - `metricsConfig` EventCount: publishes per-mapping counts, among them
 *   `OnFailureDestinationDeliveredEventCount`, which the alarms watch.
 */
export class StreamConsumer extends Construct {
  readonly source: KinesisEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.source = new KinesisEventSource(props.stream, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: AGGREGATOR_ESM.batchSize,
      maxBatchingWindow: Duration.seconds(AGGREGATOR_ESM.maxBatchingWindowS),
      retryAttempts: AGGREGATOR_ESM.retryAttempts,
      bisectBatchOnError: AGGREGATOR_ESM.bisectOnError,
      maxRecordAge: Duration.seconds(AGGREGATOR_ESM.maxRecordAgeS),
      parallelizationFactor: AGGREGATOR_ESM.parallelizationFactor,
      reportBatchItemFailures: AGGREGATOR_ESM.reportBatchItemFailures,
      onFailure: new ScopedS3OnFailureDestination(props.failureBucket),
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    });
    props.fn.addEventSource(this.source);
  }

  /** The mapping's UUID: the `EventSourceMappingUUID` dimension of its metrics. */
  get mappingId(): string {
    return this.source.eventSourceMappingId;
  }
}
