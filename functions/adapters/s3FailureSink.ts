import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { FailureEntry, FailureSink } from '../runtime/failureSink.ts';

/** Failure sink on S3: one object per failure, under a date prefix for lifecycle rules. */
export function s3FailureSink(bucket: string, client = new S3Client({})): FailureSink {
  return {
    async put(entry: FailureEntry) {
      const at = isoOf(entry.atMs);
      const key = `failures/${at.slice(0, 10)}/${at}-${entry.records[0]?.sequenceNumber ?? 'none'}.json`;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(entry),
          ContentType: 'application/json',
        }),
      );
    },
  };
}
