import { Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { ARTEFACTS_PREFIX } from '../../lib/resources.ts';
import type { HandlerFunction } from '../handlerFunction.ts';

/**
 * S3 access of the over-the-air channel to the versioned artifacts bucket, limited to the
 * `artefacts/` prefix (functions/adapters/artefactBlobStore.ts):
 * - the operator function (publish) writes and reads artefact bytes;
 * - the device function (offers) only reads, which is what signing a presigned GET needs —
 *   cameras themselves hold no IAM access, only an hour-long URL for one object.
 * Neither may delete: the bucket is versioned and a published version is never rewritten.
 */
export class ArtefactGrants {
  constructor(
    private readonly bucket: s3.Bucket,
    /** Logical id of the bucket's CfnBucket, as cdk-nag names it in findings. */
    private readonly bucketLogicalId: string,
  ) {}

  /** PutObject + GetObject under `artefacts/`. */
  grantPublisher(f: HandlerFunction): void {
    this.bucket.grants.actionsOnObjectKeys(f.fn, `${ARTEFACTS_PREFIX}*`, 's3:PutObject', 's3:GetObject');
    this.acknowledge(f, 'writes and reads the bytes of published artefact versions');
  }

  /** GetObject under `artefacts/` (to presign cameras' downloads). */
  grantReader(f: HandlerFunction): void {
    this.bucket.grants.actionsOnObjectKeys(f.fn, `${ARTEFACTS_PREFIX}*`, 's3:GetObject');
    this.acknowledge(f, 'presigns GETs of artefact bytes for cameras');
  }

  private acknowledge(f: HandlerFunction, what: string): void {
    Validations.of(f.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId}.Arn>/${ARTEFACTS_PREFIX}*]`,
      reason:
        `Object actions under the artefacts/ prefix of the artifacts bucket only: the function ${what}; ` +
        'keys are per kind, name, version and content hash, so no narrower pattern names them in advance.',
    });
  }
}
