import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lib/config/metricNames.ts';

export { METRIC, METRICS_NAMESPACE, MetricUnit };

/**
 * Where structured logs and EMF metrics go. On Lambda they go to stdout (CloudWatch Logs, which
 * turns EMF documents into metrics). The local stack runs the same code: silent by default, so a
 * developer's console and the tests stay readable, and the same JSON lines on stdout with
 * `json` (`dashnet serve --log-format json`).
 */
export type LogFormat = 'json' | 'silent';

const onLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

// Powertools restores a logger's constructor level after every invocation, so switching the
// format means a new logger rather than setLogLevel().
const newLogger = (format: LogFormat) =>
  new Logger({ serviceName: METRICS_SERVICE, logLevel: format === 'json' ? 'INFO' : 'SILENT' });
let current = newLogger(onLambda ? 'json' : 'silent');
let emitMetrics = onLambda;

/** The process's logger (one per process, as Powertools intends: module scope, reused warm). */
export function logger(): Logger {
  return current;
}

/** The process's EMF metrics store, flushed once per invocation by {@link observability}. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/**
 * Whether this process loads the Powertools Tracer: on Lambda, unless the function's
 * declaration turns it off (`tracing: false` in `lib/api/functions.ts`, which the stack passes
 * as Powertools' own `POWERTOOLS_TRACE_ENABLED=false`). Loading it is not free: the X-Ray SDK
 * under it installs async hooks with destroy tracking, which made every promise in the process
 * ~15× dearer (1 M awaits: 38 → 569 ms on this machine), whether the tracer is enabled or not.
 * So it is imported only where it records something, never in the local stack.
 */
const tracingOn = onLambda && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';

let tracing: Promise<middy.MiddlewareObj> | undefined;

/**
 * An X-Ray segment per invocation with the cold start and the service as annotations
 * (Powertools Tracer; responses are not captured, they may hold personal data), loaded on the
 * first invocation.
 */
function tracerMiddleware(): middy.MiddlewareObj {
  const load = () =>
    (tracing ??= (async () => {
      const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
        import('@aws-lambda-powertools/tracer'),
        import('@aws-lambda-powertools/tracer/middleware'),
      ]);
      const tracer = new Tracer({ serviceName: METRICS_SERVICE });
      return captureLambdaHandler(tracer, { captureResponse: false }) as middy.MiddlewareObj;
    })());
  return {
    before: async (request) => (await load()).before?.(request),
    after: async (request) => (await load()).after?.(request),
    onError: async (request) => (await load()).onError?.(request),
  };
}

/**
 * Switches this process's logs and metrics on (`json`) or off (`silent`). The local stack calls
 * it before it creates the handlers; on Lambda they are on.
 */
export function setLogFormat(format: LogFormat): void {
  current = newLogger(format);
  emitMetrics = format === 'json';
}

interface AnyEvent {
  requestContext?: { requestId?: string };
  headers?: Record<string, string | undefined>;
  Records?: { eventID?: string }[];
}

/**
 * The Powertools middlewares every dashnet function carries: an X-Ray segment per invocation
 * where tracing is on (see {@link tracingOn}), the Lambda context (request id,
 * function name, cold start) on every log line, a correlation id (the caller's
 * `x-correlation-id`, else API Gateway's request id; for stream batches the first record's
 * event id), and the invocation's metrics flushed as one EMF document at its end.
 */
export function observability(): middy.MiddlewareObj[] {
  const correlation: middy.MiddlewareObj = {
    before: (request) => {
      const e = request.event as AnyEvent;
      const id =
        e.headers?.['x-correlation-id'] ??
        e.requestContext?.requestId ??
        e.Records?.[0]?.eventID ??
        undefined;
      if (id) current.setCorrelationId(id);
    },
  };
  // Not Powertools' logMetrics(): it warns on every invocation that recorded no metric (most
  // HTTP routes, idle schedules), which would be a log line per request on AWS for nothing.
  const publish = () => {
    if (emitMetrics && metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else metrics.clearMetrics();
  };
  const flush: middy.MiddlewareObj = { after: publish, onError: publish };
  return [
    ...(tracingOn ? [tracerMiddleware()] : []),
    injectLambdaContext(current, { resetKeys: true }) as middy.MiddlewareObj,
    correlation,
    flush,
  ];
}
