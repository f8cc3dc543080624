import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../../lib/config/metricNames.ts';
import { physicalName } from '../../lib/resources.ts';
import type { HandlerFunction } from '../handlerFunction.ts';
import { ALL_REQUESTS_FILTER } from './ArtifactsBucket.ts';

export interface ObservabilityProps {
  stage: string;
  functions: readonly HandlerFunction[];
  aggregator: lambda.IFunction;
  /** The second stream consumer (insights), if deployed: its lag is alarmed too. */
  insightsConsumer?: lambda.IFunction;
  /** UUID of the aggregator's event source mapping. */
  mappingId: string;
  stream: kinesis.IStream;
  tables: readonly { id: string; table: dynamodb.Table }[];
  apiStage: apigw.IHttpStage;
  failureBucket: s3.Bucket;
  alarmEmail?: string;
  ingestFloorRecordsPer15Min?: number;
  removalPolicy: RemovalPolicy;
}

const FIVE_MIN = Duration.minutes(5);
const ONE_MIN = Duration.minutes(1);

/**
 * Alarms → one SNS topic, and one dashboard that answers "is anything stuck or lost?".
 *
 * Thresholds and why:
 * - Iterator age > 2 min for 3 minutes: hazards are raised from a 20-minute window; two minutes
 *   of lag already delays a hazard noticeably, and lag that persists means the consumer cannot
 *   keep up (more shards or parallelisation needed).
 * - Function errors: the HTTP handlers turn failures into problem+json 500s, so `Errors` counts
 *   crashes and timeouts only (≥ 5 in 5 min); for the aggregator every error is a retried batch
 *   (≥ 1).
 * - Throttles ≥ 1: any throttle means account or reserved concurrency is exhausted.
 * - DynamoDB read/write throttle events ≥ 1 per table: on-demand throttles only past a
 *   partition's 3,000 RCU / 1,000 WCU or twice the previous peak; either needs a look.
 * - On-failure deliveries ≥ 1: records left the pipeline (mapping discarded a batch to S3, the
 *   aggregator wrote poison records, or — worse — delivery to S3 itself failed).
 * - API 5xx > 1% of at least 100 requests in 5 minutes.
 * - Ingest: the stream refused writes (throughput exceeded), and optionally ingest fell below a
 *   floor (a fleet that stops reporting is an outage even when nothing errors).
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: `dashnet ${props.stage}: alarm topic encryption`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch publishes alarm notifications to an encrypted topic only if the key lets it
    // (SNS developer guide, "Enable compatibility between event sources and encrypted topics").
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: physicalName(props.stage, 'alarms'),
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      opts: Partial<cloudwatch.CreateAlarmOptions> = {},
    ) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
        ...opts,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    // Stream consumer
    const iteratorAge = props.aggregator.metric('IteratorAge', { statistic: 'Maximum', period: ONE_MIN });
    alarm('IteratorAge', iteratorAge, 120_000, 'Aggregator lags the stream by more than 2 minutes.', {
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    // The insights consumer feeds a daily rollup, so it may lag more; an hour means it is stuck
    // (and records older than the mapping's maximum age would start going to the failure bucket).
    if (props.insightsConsumer) {
      alarm(
        'InsightsIteratorAge',
        props.insightsConsumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
        600_000,
        'The insights consumer lags the stream by more than 10 minutes.',
        { evaluationPeriods: 3, datapointsToAlarm: 3 },
      );
    }
    const onFailureDelivered = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OnFailureDestinationDeliveredEventCount',
      dimensionsMap: { EventSourceMappingUUID: props.mappingId },
      statistic: 'Sum',
      period: FIVE_MIN,
    });
    alarm('OnFailureDeliveries', onFailureDelivered, 1, 'The event source mapping discarded records to S3.');
    const deliveryFailures = props.aggregator.metric('DestinationDeliveryFailures', {
      statistic: 'Sum',
      period: FIVE_MIN,
    });
    alarm(
      'DestinationDeliveryFailures',
      deliveryFailures,
      1,
      'Discarded records could not be written to S3: data lost.',
    );
    const failurePuts = new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName: 'PutRequests',
      dimensionsMap: { BucketName: props.failureBucket.bucketName, FilterId: ALL_REQUESTS_FILTER },
      statistic: 'Sum',
      period: FIVE_MIN,
    });
    alarm(
      'FailureBucketWrites',
      failurePuts,
      1,
      'Records were written to the failure bucket (poison or discarded).',
    );

    // Functions
    for (const f of props.functions) {
      const isConsumer = f.fn === props.aggregator;
      alarm(
        `${f.node.id}Errors`,
        f.fn.metricErrors({ statistic: 'Sum', period: FIVE_MIN }),
        isConsumer ? 1 : 5,
        `${f.functionId}: invocation errors (crashes, timeouts).`,
      );
      alarm(
        `${f.node.id}Throttles`,
        f.fn.metricThrottles({ statistic: 'Sum', period: FIVE_MIN }),
        1,
        `${f.functionId}: throttled invocations.`,
      );
    }

    // DynamoDB
    const tableThrottles = props.tables.map(({ id: tableId, table }) => {
      // Metric ids must be unique within one graph, and the dashboard shows every table's expression.
      const r = `r${tableId.toLowerCase()}`;
      const w = `w${tableId.toLowerCase()}`;
      const expr = new cloudwatch.MathExpression({
        expression: `FILL(${r}, 0) + FILL(${w}, 0)`,
        usingMetrics: {
          [r]: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MIN }),
          [w]: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MIN }),
        },
        label: `${tableId} throttles`,
        period: FIVE_MIN,
      });
      alarm(`${tableId}Throttles`, expr, 1, `DynamoDB ${tableId}: throttled reads or writes.`);
      return expr;
    });

    // API
    const count = props.apiStage.metricCount({ statistic: 'Sum', period: FIVE_MIN });
    const errors5xx = props.apiStage.metricServerError({ statistic: 'Sum', period: FIVE_MIN });
    const rate5xx = new cloudwatch.MathExpression({
      expression: 'IF(FILL(n, 0) >= 100, 100 * FILL(e, 0) / n, 0)',
      usingMetrics: { n: count, e: errors5xx },
      label: '5xx %',
      period: FIVE_MIN,
    });
    alarm('Api5xx', rate5xx, 1, 'API: more than 1% of requests answered 5xx.', {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    // Ingest
    const incoming = props.stream.metricIncomingRecords({ statistic: 'Sum', period: ONE_MIN });
    const writeThrottled = props.stream.metricWriteProvisionedThroughputExceeded({
      statistic: 'Sum',
      period: ONE_MIN,
    });
    alarm('StreamWriteThrottled', writeThrottled, 1, 'Kinesis refused ingest writes (throughput exceeded).', {
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    if (props.ingestFloorRecordsPer15Min !== undefined) {
      alarm(
        'IngestBelowFloor',
        props.stream.metricIncomingRecords({ statistic: 'Sum', period: Duration.minutes(15) }),
        props.ingestFloorRecordsPer15Min,
        'Ingest rate fell below its floor: is the fleet reaching the API?',
        {
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }

    // dashnet's own EMF metrics (Powertools Metrics in the functions; names in lib/config/metricNames.ts).
    const emf = (name: MetricName, statistic = 'Sum', period = FIVE_MIN) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic,
        period,
      });
    const accepted = emf(METRIC.accepted);
    const rejected = emf(METRIC.rejected);
    const processed = emf(METRIC.processed);
    // Poison can never succeed and is skipped at once: one is a bug or an attack worth a look.
    alarm('PoisonRecords', emf(METRIC.poisonRecords), 1, 'Stream records failing the schema were skipped.');
    // A consumer handing batches back for retry for 15 minutes is throttled or broken, not unlucky.
    alarm(
      'ConsumerBatchFailures',
      emf(METRIC.batchItemFailures),
      5,
      'A stream consumer keeps handing batches back for retry (throttling or a failing dependency).',
      { evaluationPeriods: 3, datapointsToAlarm: 3 },
    );
    // Cameras whose events are mostly refused have a firmware or clock bug: a fifth over 15 min.
    const rejectedShare = new cloudwatch.MathExpression({
      label: 'rejected %',
      expression: '100 * r / (a + r + 1)',
      usingMetrics: { a: accepted, r: rejected },
      period: Duration.minutes(15),
    });
    alarm('RejectedShare', rejectedShare, 20, 'More than a fifth of the events sent are rejected.');

    const byFn = (m: (fn: lambda.IFunction) => cloudwatch.IMetric) => props.functions.map((f) => m(f.fn));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: physicalName(props.stage, 'overview'),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests / 5 min', left: [count, errors5xx], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'API latency p99 (ms)',
        left: [props.apiStage.metricLatency({ statistic: 'p99', period: FIVE_MIN })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'API 5xx %', left: [rate5xx], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ingest: stream records / min',
        left: [incoming],
        right: [writeThrottled],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Aggregator iterator age (ms)', left: [iteratorAge], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Records leaving the pipeline',
        left: [onFailureDelivered, failurePuts, deliveryFailures],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: byFn((fn) => fn.metricErrors({ period: FIVE_MIN })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        left: byFn((fn) => fn.metricThrottles({ period: FIVE_MIN })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: byFn((fn) => fn.metricDuration({ statistic: 'p99', period: FIVE_MIN })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Events / 5 min: accepted, duplicates, rejected, processed; insight contributions',
        left: [accepted, emf(METRIC.duplicates), rejected, processed],
        right: [emf(METRIC.insightsContributions)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Hazards raised and cleared / 5 min',
        left: [emf(METRIC.hazardsRaised), emf(METRIC.hazardsCleared)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Applied record age (ms), batch failures, poison',
        left: [emf(METRIC.iteratorAgeMs, 'Maximum', ONE_MIN)],
        right: [emf(METRIC.batchItemFailures), emf(METRIC.poisonRecords)],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed WCU / 5 min',
        left: props.tables.map(({ table }) => table.metricConsumedWriteCapacityUnits({ period: FIVE_MIN })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed RCU / 5 min',
        left: props.tables.map(({ table }) => table.metricConsumedReadCapacityUnits({ period: FIVE_MIN })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: tableThrottles, width: 8 }),
    );
  }
}
