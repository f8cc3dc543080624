import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface AwsClients {
  ddb: DynamoDBDocumentClient;
  kinesis: KinesisClient;
}

export interface ClientOptions {
  region: string;
  /** Emulator endpoints; absent on AWS. The only thing the local stack changes. */
  endpoints?: { dynamodb: string; kinesis: string };
}

/**
 * The AWS SDK v3 clients every adapter uses. HTTP/1.1 through NodeHttpHandler: the emulators
 * reject HTTP/2, and on Lambda keep-alive HTTP/1.1 is what the SDK uses anyway.
 */
export function createAwsClients(opts: ClientOptions): AwsClients {
  const common = {
    region: opts.region,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
    ...(opts.endpoints ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
  const raw = new DynamoDBClient({
    ...common,
    ...(opts.endpoints ? { endpoint: opts.endpoints.dynamodb } : {}),
  });
  return {
    ddb: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    kinesis: new KinesisClient({
      ...common,
      ...(opts.endpoints ? { endpoint: opts.endpoints.kinesis } : {}),
    }),
  };
}

/** Throttling and transient service errors: retry the work; everything else is a bug or poison. */
export function isRetryableAwsError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded' ||
    name === 'InternalServerError' ||
    name === 'ServiceUnavailable' ||
    name === 'TimeoutError' ||
    name === 'LimitExceededException' ||
    (err as { $retryable?: unknown }).$retryable !== undefined
  );
}
