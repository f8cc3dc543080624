import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface AwsClients {
  ddb: DynamoDBDocumentClient;
  kinesis: KinesisClient;
}

/** Emulator endpoints: what the local stack changes, and nothing else. */
export interface Endpoints {
  dynamodb: string;
  kinesis: string;
  /**
   * Tables (physical names) served by another DynamoDB emulator: the local stack keeps the stream
   * consumers' tables on an emulator thread of their own (`local/streamSide.ts`).
   */
  dynamodbByTable?: Readonly<Record<string, string>>;
}

export interface ClientOptions {
  region: string;
  /** Emulator endpoints; absent on AWS. */
  endpoints?: Endpoints;
}

/**
 * Sends each call on a table of `byTable` to that table's endpoint (local emulators only). A call
 * naming tables of two endpoints (a BatchWriteItem across them) is refused: no store makes one.
 */
export function routeTables(client: DynamoDBClient, byTable: Readonly<Record<string, string>>): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      const targets = new Set(tables.map((t) => byTable[t]));
      if (targets.size > 1) throw new Error(`one call spans two local emulators: ${tables.join(', ')}`);
      const target = [...targets][0];
      const request = args.request as { hostname?: string; port?: number; headers?: Record<string, string> };
      if (target && request.headers) {
        const url = new URL(target);
        request.hostname = url.hostname;
        request.port = Number(url.port);
        request.headers.host = url.host;
      }
      return next(args);
    },
    { step: 'build', name: 'localTableRouting' },
  );
}

/**
 * Attempts per SDK call (first try included). The SDK's standard retry strategy backs off
 * exponentially with full jitter (base 100 ms, cap 20 s) on throttling, 5xx, timeouts and cut
 * connections, within a retry quota; past that the error reaches the function, whose own retry
 * (the camera's, or the event source mapping's) takes over. Five keeps a throttled call's worst
 * case near 3 s, inside ingest's API Gateway budget.
 */
export const AWS_MAX_ATTEMPTS = 5;

/**
 * The AWS SDK v3 clients every adapter uses. HTTP/1.1 through NodeHttpHandler: the emulators
 * reject HTTP/2, and on Lambda keep-alive HTTP/1.1 is what the SDK uses anyway. A retried call
 * may repeat a write whose answer was lost: every write is idempotent or conditional on a token
 * of its own (see the stores), so that costs nothing twice.
 */
export function createAwsClients(opts: ClientOptions): AwsClients {
  const common = {
    region: opts.region,
    maxAttempts: AWS_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
    ...(opts.endpoints ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
  const raw = new DynamoDBClient({
    ...common,
    ...(opts.endpoints ? { endpoint: opts.endpoints.dynamodb } : {}),
  });
  if (opts.endpoints?.dynamodbByTable) routeTables(raw, opts.endpoints.dynamodbByTable);
  return {
    ddb: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    kinesis: new KinesisClient({
      ...common,
      ...(opts.endpoints ? { endpoint: opts.endpoints.kinesis } : {}),
    }),
  };
}

/** Network failures that a retry may get past (the service restarted, a connection was cut). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * Throttling, 5xx answers, timeouts and dropped connections: retry the work. Everything else
 * (validation, conditional failures, missing resources) is a bug or poison and is not retried.
 */
export function isRetryableAwsError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  return (
    e.name === 'ProvisionedThroughputExceededException' ||
    e.name === 'ThrottlingException' ||
    e.name === 'RequestLimitExceeded' ||
    e.name === 'InternalServerError' ||
    e.name === 'ServiceUnavailable' ||
    e.name === 'TimeoutError' ||
    e.name === 'LimitExceededException' ||
    e.$retryable !== undefined ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
    (e.code !== undefined && TRANSIENT_NETWORK_CODES.has(e.code))
  );
}
