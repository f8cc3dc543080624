import { gunzipSync } from 'node:zlib';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { type FieldError, fieldErrors, PROBLEM_TYPES, type Problem } from '../../lib/contract/problem.ts';
import { MAX_BODY_BYTES } from '../../lib/contract/telemetry.ts';
import { isRetryableAwsError } from '../adapters/awsClients.ts';
import { logger, observability } from '../runtime/observability.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

/** An error that becomes a problem+json response. `code` is stable for tests and clients. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get code(): string {
    return this.type.slice(this.type.lastIndexOf('/') + 1);
  }

  toProblem(): Problem {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpError(400, PROBLEM_TYPES.validation, 'Invalid request', detail, errors);
export const unauthorized = (detail: string) =>
  new HttpError(401, PROBLEM_TYPES.unauthorized, 'Unauthorized', detail, undefined, {
    'www-authenticate': 'Bearer',
  });
export const forbidden = (detail: string) => new HttpError(403, PROBLEM_TYPES.forbidden, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpError(404, PROBLEM_TYPES.notFound, 'Not found', detail);

/** Throttling, timeouts and stream writes that never landed: worth a retry by the client. */
function isTransient(err: unknown): boolean {
  return (
    isRetryableAwsError(err) || (err instanceof Error && (err as { retryable?: unknown }).retryable === true)
  );
}

/**
 * Response headers every API answer carries unless the handler sets its own (OWASP REST
 * Security Cheat Sheet): no MIME sniffing of JSON into HTML, no framing, no referrer, a CSP
 * that lets an API response load nothing should a browser render it, HTTPS only for a year,
 * and no caching unless the route says it is public (hazards, feeds set `cache-control`).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cache-control': 'no-store',
};

/** `headers` with every {@link SECURITY_HEADERS} entry it does not set itself (case-insensitive). */
export function withSecurityHeaders(
  headers: Record<string, string | number | boolean> = {},
): Record<string, string | number | boolean> {
  const present = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const out = { ...headers };
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!present.has(k)) out[k] = v;
  return out;
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function problemResponse(err: HttpError): HttpResult {
  return {
    statusCode: err.status,
    headers: { 'content-type': 'application/problem+json', ...err.headers },
    body: JSON.stringify(err.toProblem()),
  };
}

/** Case-insensitive header lookup (API Gateway v2 lowercases; local callers may not). */
export function header(event: HttpEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The bearer token of the Authorization header, or undefined. */
export function bearerToken(event: HttpEvent): string | undefined {
  const value = header(event, 'authorization');
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/**
 * The request body as text: base64-decoded as API Gateway delivers binary, gunzipped when
 * `Content-Encoding: gzip`, refused with 413 beyond the limit before and after inflating
 * (a gzip bomb inflates a kilobyte into gigabytes).
 */
export function bodyText(event: HttpEvent, maxBytes = MAX_BODY_BYTES): string {
  if (!event.body) return '';
  let bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  const tooLarge = () =>
    new HttpError(413, PROBLEM_TYPES.tooLarge, 'Payload too large', `body exceeds ${maxBytes} bytes`);
  if (bytes.length > maxBytes) throw tooLarge();
  const encoding = header(event, 'content-encoding')?.toLowerCase();
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw new HttpError(400, PROBLEM_TYPES.malformed, 'Malformed body', 'body is not valid gzip');
    }
  } else if (encoding && encoding !== 'identity') {
    throw new HttpError(
      415,
      PROBLEM_TYPES.unsupportedMedia,
      'Unsupported encoding',
      `cannot decode ${encoding}`,
    );
  }
  return bytes.toString('utf8');
}

/** Parses the JSON body, answering 400 malformed-body when it is not JSON. */
export function jsonBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): unknown {
  const text = bodyText(event, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, PROBLEM_TYPES.malformed, 'Malformed body', 'body is not valid JSON');
  }
}

/** Validates with a schema, answering 400 with every offending field named. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    throw badRequest(`${what}: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`, errors);
  }
  return parsed.data;
}

/**
 * Wraps a handler in middy with Powertools' logger context, correlation id and metrics, and the
 * error contract: HttpErrors become problem+json; anything else becomes a 500 problem (logged,
 * never leaking internals).
 */
export function httpHandler(fn: HttpHandler): middy.MiddyfiedHandler<HttpEvent, HttpResult> {
  return middy<HttpEvent, HttpResult>()
    .use(observability())
    .use({
      // Runs last on the way out, for answers and problem documents alike.
      after: async (request) => {
        if (request.response) request.response.headers = withSecurityHeaders(request.response.headers);
      },
      onError: async (request) => {
        if (request.response) request.response.headers = withSecurityHeaders(request.response.headers);
      },
    })
    .use({
      onError: async (request) => {
        const err = request.error;
        if (err instanceof HttpError) {
          request.response = problemResponse(err);
          return;
        }
        logger().error('unhandled', { error: err });
        // A throttled or unreachable dependency is temporary: 503 + Retry-After tells a camera
        // to keep the batch and retry it (idempotently), instead of a 500 that reads as a bug.
        request.response = problemResponse(
          isTransient(err)
            ? new HttpError(
                503,
                PROBLEM_TYPES.unavailable,
                'Service unavailable',
                'try again shortly',
                undefined,
                {
                  'retry-after': '5',
                },
              )
            : new HttpError(
                500,
                PROBLEM_TYPES.internal,
                'Internal error',
                'the request could not be completed',
              ),
        );
      },
    })
    .handler(fn);
}
