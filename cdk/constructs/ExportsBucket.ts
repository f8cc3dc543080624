import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { physicalName } from '../../lib/resources.ts';
import { ArtifactsBucket } from './ArtifactsBucket.ts';

export interface ExportsBucketProps {
  stage: string;
  accessLogs: s3.Bucket;
  removalPolicy: RemovalPolicy;
}

/** Key prefix of all insurer exports (`insurers/<insurerId>/…`, functions/adapters/exportStore.ts). */
export const EXPORTS_PREFIX = 'insurers/';

/**
 * The insurer exports: a private bucket (public access blocked, TLS enforced, SSE-S3, access
 * logs — ArtifactsBucket) whose objects only the export functions write and read. No insurer
 * holds IAM access: each reaches its own prefix only through presigned GET URLs that
 * `GET /v1/insights/exports` signs for keys under that insurer's prefix. Plus the Ed25519
 * signing secret of the manifests (its public key is published by the API).
 */
export class ExportsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly signingKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ExportsBucketProps) {
    super(scope, id);
    this.bucket = new ArtifactsBucket(this, 'Files', {
      purpose: 'insurer exports (k-anonymous aggregates), one prefix per insurer',
      accessLogs: props.accessLogs,
      versioned: false,
      // Insurers fetch their files within days; a year of daily and monthly files stays available.
      expireAfterDays: 400,
    }).bucket;
    this.signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      secretName: physicalName(props.stage, 'export-signing-key'),
      description: 'dashnet insurer exports: Ed25519 seed material (SHA-256 of this string)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the signing key changes the published public key insurers pin to verify manifests; it is ' +
        'rotated deliberately with notice (docs/insights.md), not on an unattended schedule.',
    });
  }

  /** Lets a function list, read and write export objects (under the insurer prefix only) and read the signing secret. */
  grantExporter(fn: iam.IGrantable): void {
    this.bucket.grants.actionsOnObjectKeys(fn, `${EXPORTS_PREFIX}*`, 's3:PutObject', 's3:GetObject');
    // Listing is limited to the insurer prefix by condition (ListBucket acts on the bucket ARN).
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${EXPORTS_PREFIX}*`] } },
    });
    this.signingKey.grantRead(fn);
  }
}
