import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { physicalName, TELEMETRY_STREAM } from '../../lib/resources.ts';
import type { StreamMode } from '../stageConfig.ts';

export interface TelemetryStreamProps {
  stage: string;
  mode: StreamMode;
  /** Shards when provisioned (each: 1 MB/s or 1,000 records/s in, 2 MB/s out). */
  shards: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The telemetry stream (TELEMETRY_STREAM), encrypted with a customer-managed KMS key so that
 * reading it needs an explicit `kms:Decrypt` grant on top of the Kinesis grant.
 *
 * On-demand by default: it scales to twice the previous 30-day peak without resharding and
 * needs no capacity decision for a new deployment. Provisioned (`-c streamMode=provisioned
 * -c shards=N`) is cheaper once traffic is steady and known (docs/aws.md has the arithmetic).
 */
export class TelemetryStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: TelemetryStreamProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `dashnet ${props.stage}: telemetry stream encryption`,
      // Yearly automatic rotation; old key material stays available to decrypt.
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const provisioned = props.mode === 'provisioned';
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: physicalName(props.stage, TELEMETRY_STREAM.id),
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      ...(provisioned ? { shardCount: props.shards } : {}),
      retentionPeriod: Duration.hours(TELEMETRY_STREAM.retentionHours),
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key on purpose: the stream carries pseudonymous location events, and with a CMK ' +
        'reading it needs an explicit kms:Decrypt grant and every use is attributable in CloudTrail. The cost ' +
        'the rule warns about is bounded: Kinesis caches data keys (~one KMS call per producer/consumer ' +
        'every 5 minutes), a few dollars a month at full scale (docs/aws.md).',
    });
  }
}
