import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * A concrete `Bucket` as `IBucket`. They are the same object; only the typings disagree under
 * `exactOptionalPropertyTypes` (`Bucket.isWebsite?: boolean` vs `IBucket.isWebsite: boolean | undefined`),
 * so the cast lives here, once, instead of at every call site.
 */
export function asIBucket(bucket: s3.Bucket): s3.IBucket {
  return bucket as unknown as s3.IBucket;
}
