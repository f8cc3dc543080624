import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { S3OnFailureDestination } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { asIBucket } from '../asIBucket.ts';

/**
 * `S3OnFailureDestination` with a least-privilege grant. The stock class calls
 * `bucket.grantReadWrite`, which adds wildcard actions (`s3:GetObject*`, `s3:List*`,
 * `s3:DeleteObject*`, `s3:Abort*`) the destination never uses. Lambda needs exactly
 * `s3:PutObject` on the objects and `s3:ListBucket` on the bucket (Lambda developer guide,
 * "Retain discarded batch records … Amazon S3 destination"), so this grants exactly those.
 * The destination keeps the whole invocation record — the records' payloads — not just metadata.
 */
export class ScopedS3OnFailureDestination extends S3OnFailureDestination {
  constructor(private readonly target: s3.Bucket) {
    super(asIBucket(target));
  }

  override bind(_mapping: lambda.IEventSourceMapping, fn: lambda.IFunction): lambda.DlqDestinationConfig {
    this.target.grants.actionsOnObjectKeys(fn, '*', 's3:PutObject');
    iam.Grant.addToPrincipalOrResource({
      grantee: fn,
      actions: ['s3:ListBucket'],
      resourceArns: [this.target.bucketArn],
      resource: this.target,
    });
    return { destination: this.target.bucketArn };
  }
}
