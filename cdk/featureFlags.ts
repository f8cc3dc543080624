/**
 * CDK feature flags the app is written against, set in code rather than in cdk.json so the CLI
 * and the in-process test synth produce the same template.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  // Merge IAM statements that differ only in resources: shorter policies, same permissions.
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  // Server access logs are allowed by a bucket policy, not the legacy log-delivery ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
};
