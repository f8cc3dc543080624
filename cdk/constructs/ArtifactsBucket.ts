import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { asIBucket } from '../asIBucket.ts';

export interface ArtifactsBucketProps {
  /** What the bucket holds, for the reader of the template. */
  purpose: string;
  /**
   * Where S3 server access logs go; omitted only for the access-log bucket itself (logging a
   * log bucket into itself would log its own log deliveries, forever).
   */
  accessLogs?: s3.Bucket;
  /** Delete objects this many days after creation (privacy: failure payloads hold pseudonymous events). */
  expireAfterDays?: number;
  /** Keep object versions (artefacts: roll a model or config back). */
  versioned: boolean;
  /** Publish S3 request metrics (PutRequests, …) for the whole bucket, filter id `All`, to alarm on. */
  requestMetrics?: boolean;
}

/** Id of the request-metrics filter that covers the whole bucket. */
export const ALL_REQUESTS_FILTER = 'All';

/**
 * A private S3 bucket as every dashnet bucket is configured: all public access blocked, TLS
 * required (a bucket policy denies `aws:SecureTransport=false`), SSE-S3 encryption (server
 * access logging and Lambda's S3 on-failure destination both work with it, no KMS grant needed),
 * server access logs, object ownership enforced (no ACLs).
 *
 * Retained on stack deletion, always: CloudFormation cannot delete a non-empty bucket, and a
 * failed stack deletion is worse than a bucket left to empty by hand (docs/aws.md).
 */
export class ArtifactsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactsBucketProps) {
    super(scope, id);
    const lifecycleRules: s3.LifecycleRule[] = [
      // Multipart uploads that never completed cost storage and show nowhere.
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ];
    if (props.expireAfterDays !== undefined) {
      lifecycleRules.push({ id: 'expire', expiration: Duration.days(props.expireAfterDays) });
    }
    if (props.versioned) {
      lifecycleRules.push({ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) });
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned,
      lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.accessLogs
        ? { serverAccessLogsBucket: asIBucket(props.accessLogs), serverAccessLogsPrefix: `${id}/` }
        : {}),
      ...(props.requestMetrics ? { metrics: [{ id: ALL_REQUESTS_FILTER }] } : {}),
    });
  }
}
