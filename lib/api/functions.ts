import type { Role } from '../auth/authzMatrix.ts';

/**
 * The deployable functions, each declared once: which module and export it runs, its memory and
 * timeout, the HTTP routes it serves with the roles allowed on each, and its schedule. The CDK
 * stack bundles exactly these entries and derives its routes, authorisers and rules from them;
 * the local stack routes and schedules from the same declaration; the authorisation matrix
 * (`lib/auth/authzMatrix.ts`) is read off the routes. Adding a route is one entry here plus its
 * handler factory in `functions/registry.ts`.
 */

/** One HTTP route of a function. `roles: ['public']` admits everyone. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. `/v1/privacy/deletion/{requestId}`. */
  readonly path: string;
  /** Who may call it (deny by default: a role not listed is refused with 403). */
  readonly roles: readonly Role[];
}

/** One deployable function. */
export interface FunctionSpec {
  /** Module, relative to the repository root. */
  readonly entry: string;
  /** Export of {@link entry} that Lambda invokes. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutS: number;
  /** The HTTP routes it serves; absent for stream consumers and scheduled jobs. */
  readonly routes?: readonly RouteSpec[];
  /** Run on a schedule: EventBridge at `rateMinutes` on AWS, every `localEveryS` in the local stack. */
  readonly schedule?: { readonly rateMinutes: number; readonly localEveryS: number };
  /**
   * Load the Powertools Tracer (X-Ray subsegments) in this function; default true. False on the
   * hot path (ingest and the stream consumers): the X-Ray SDK's async hooks make every promise
   * in the process ~15× dearer, more than a trace of a request tells there. Lambda's active
   * tracing still records each invocation's segment, outside the function's process.
   */
  readonly tracing?: boolean;
}

export const FUNCTIONS = {
  telemetry: {
    entry: 'functions/http/telemetry.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/telemetry', roles: ['device'] }],
    tracing: false,
  },
  devices: {
    entry: 'functions/http/devices.ts',
    handler: 'handler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/devices', roles: ['operator'] }],
  },
  consent: {
    entry: 'functions/http/devices.ts',
    handler: 'consentHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'PUT', path: '/v1/consent', roles: ['device'] }],
  },
  hazards: {
    entry: 'functions/http/hazards.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/hazards', roles: ['public'] }],
  },
  hazardHistory: {
    entry: 'functions/http/hazards.ts',
    handler: 'historyHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/hazards/history', roles: ['public'] }],
  },
  opsStats: {
    entry: 'functions/http/ops.ts',
    handler: 'statsHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/ops/stats', roles: ['operator'] }],
  },
  health: {
    entry: 'functions/http/ops.ts',
    handler: 'healthHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/healthz', roles: ['public'] }],
  },
  wazeFeed: {
    entry: 'functions/http/feeds.ts',
    handler: 'wazeHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/feeds/waze-cifs.json', roles: ['public'] }],
  },
  open511Feed: {
    entry: 'functions/http/feeds.ts',
    handler: 'open511Handler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/feeds/open511/events', roles: ['public'] }],
  },
  rotateToken: {
    entry: 'functions/http/devices.ts',
    handler: 'rotateTokenHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/devices/{deviceId}/token', roles: ['operator'] }],
  },
  revokeDevice: {
    entry: 'functions/http/devices.ts',
    handler: 'revokeHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'DELETE', path: '/v1/devices/{deviceId}', roles: ['operator'] }],
  },
  insurers: {
    entry: 'functions/http/insurers.ts',
    handler: 'handler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/insurers', roles: ['operator'] }],
  },
  staff: {
    entry: 'functions/http/staff.ts',
    handler: 'handler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/ops/staff', roles: ['operator'] }],
  },
  auditVerify: {
    entry: 'functions/http/audit.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 30,
    routes: [{ method: 'GET', path: '/v1/ops/audit/verify', roles: ['operator'] }],
  },
  deletionRequest: {
    entry: 'functions/http/privacy.ts',
    handler: 'requestHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/privacy/deletion', roles: ['device'] }],
  },
  deletionStatus: {
    entry: 'functions/http/privacy.ts',
    handler: 'statusHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/privacy/deletion/{requestId}', roles: ['device'] }],
  },
  // Legal routes admit legal staff and operators; both are staff bearer tokens, so the gateway
  // treats them as operator routes.
  legalRequest: {
    entry: 'functions/http/legal.ts',
    handler: 'requestHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/legal/requests', roles: ['legal', 'operator'] }],
  },
  legalApprove: {
    entry: 'functions/http/legal.ts',
    handler: 'approveHandler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/legal/requests/{requestId}/approve', roles: ['operator'] }],
  },
  legalExport: {
    entry: 'functions/http/legal.ts',
    handler: 'exportHandler',
    memoryMb: 512,
    timeoutS: 30,
    routes: [{ method: 'GET', path: '/v1/legal/requests/{requestId}/export', roles: ['legal', 'operator'] }],
  },
  /** Not behind a route: drains deletion jobs (scheduled on AWS, on an interval locally). */
  deletionWorker: {
    entry: 'functions/stream/deletionWorker.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 900,
    schedule: { rateMinutes: 1, localEveryS: 1 },
  },
  aggregator: {
    entry: 'functions/stream/aggregator.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 60,
    tracing: false,
  },
  baselineRollup: {
    entry: 'functions/scheduled/baselineRollup.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 300,
    schedule: { rateMinutes: 60, localEveryS: 60 },
  },
  /** The second consumer of the telemetry stream: raw contributions for the insurer insights. */
  insightsConsumer: {
    entry: 'functions/stream/insightsConsumer.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 60,
    tracing: false,
  },
  /** Folds exactly-once ops-counter items past their dedup horizon into hourly totals. */
  statsCompactor: {
    entry: 'functions/scheduled/statsCompactor.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 300,
    schedule: { rateMinutes: 60, localEveryS: 600 },
  },
  /** Folds the raw contributions of open days into the anonymous insights (idempotent, resumable). */
  insightsRollup: {
    entry: 'functions/scheduled/insightsRollup.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
    schedule: { rateMinutes: 60, localEveryS: 60 },
  },
  insightsSegments: {
    entry: 'functions/http/insights.ts',
    handler: 'segmentsHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/insights/segments', roles: ['insurer'] }],
  },
  insightsSpeedCheck: {
    entry: 'functions/http/insights.ts',
    handler: 'speedCheckHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'POST', path: '/v1/insights/speed-check', roles: ['insurer'] }],
  },
  insightsHotspots: {
    entry: 'functions/http/insights.ts',
    handler: 'hotspotsHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/insights/hotspots', roles: ['insurer'] }],
  },
  // The gateway route admits insurers' API keys; the handler also takes an operator's bearer token.
  coverage: {
    entry: 'functions/http/insights.ts',
    handler: 'coverageHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/coverage', roles: ['insurer', 'operator'] }],
  },
  /**
   * Insurer exports: list with presigned URLs, on-demand export (insurers for their own data,
   * operators for any insurer), public key, and local downloads (the HMAC in the signed URL
   * authorises; on AWS the URLs point at S3).
   */
  insightsExports: {
    entry: 'functions/http/exports.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 29,
    routes: [
      { method: 'GET', path: '/v1/insights/exports', roles: ['insurer'] },
      { method: 'POST', path: '/v1/insights/exports', roles: ['insurer', 'operator'] },
      { method: 'GET', path: '/v1/insights/exports/public-key', roles: ['public'] },
      { method: 'GET', path: '/v1/insights/exports/download', roles: ['public'] },
    ],
  },
  /** Not behind a route: daily and monthly exports per insurer (scheduled). */
  insightsExport: {
    entry: 'functions/scheduled/insightsExport.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
    schedule: { rateMinutes: 60, localEveryS: 300 },
  },
  /**
   * Night vision: rolls closed days' `night_scene` observations up and calibrates an ISP-profile
   * candidate per camera model and firmware (unsigned: releases are signed offline).
   */
  nightCalibration: {
    entry: 'functions/scheduled/nightCalibration.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
    schedule: { rateMinutes: 60, localEveryS: 300 },
  },
  /**
   * Over-the-air artefacts, for operators: publish (signed offline; inline or through an upload
   * URL), list, status, promote and roll back; and the local signed download / upload URLs (the
   * HMAC in the URL authorises; on AWS they are presigned S3 URLs).
   */
  artefacts: {
    entry: 'functions/http/artefacts.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 29,
    routes: [
      { method: 'POST', path: '/v1/artefacts', roles: ['operator'] },
      { method: 'GET', path: '/v1/artefacts', roles: ['operator'] },
      { method: 'GET', path: '/v1/artefacts/{kind}/{name}', roles: ['operator'] },
      { method: 'POST', path: '/v1/artefacts/{kind}/{name}/{version}/promote', roles: ['operator'] },
      { method: 'POST', path: '/v1/artefacts/{kind}/{name}/{version}/rollback', roles: ['operator'] },
      { method: 'GET', path: '/v1/artefacts/download', roles: ['public'] },
      { method: 'PUT', path: '/v1/artefacts/upload', roles: ['public'] },
    ],
  },
  /** The artefact a camera's cohort runs (contract: models and ISP/config artefacts). */
  artefactOffer: {
    entry: 'functions/http/artefacts.ts',
    handler: 'offerHandler',
    memoryMb: 512,
    timeoutS: 10,
    routes: [
      { method: 'GET', path: '/v1/models/current', roles: ['device'] },
      { method: 'GET', path: '/v1/config/current', roles: ['device'] },
    ],
  },
  /** Advances or rolls back staged rollouts from the cohorts' health, without a person. */
  rolloutController: {
    entry: 'functions/scheduled/rolloutController.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 120,
    schedule: { rateMinutes: 5, localEveryS: 60 },
  },
  /**
   * Coverage-aware anticipation: a conflict-prior tile candidate per configured area from the
   * insights' day aggregates (unsigned: releases are signed offline), daily.
   */
  priorsBuilder: {
    entry: 'functions/scheduled/priorsBuilder.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
    schedule: { rateMinutes: 1440, localEveryS: 600 },
  },
  /** The night ISP-profile candidates, for an operator to sign and publish. */
  nightCandidates: {
    entry: 'functions/http/nightCandidates.ts',
    handler: 'handler',
    memoryMb: 256,
    timeoutS: 10,
    routes: [{ method: 'GET', path: '/v1/night/candidates', roles: ['operator'] }],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionId = keyof typeof FUNCTIONS;

/** Functions behind an HTTP route. */
export type HttpFunctionId = {
  [K in FunctionId]: (typeof FUNCTIONS)[K] extends { routes: readonly RouteSpec[] } ? K : never;
}[FunctionId];

/** Functions not behind a route: stream consumers and scheduled jobs. */
export type BackgroundFunctionId = Exclude<FunctionId, HttpFunctionId>;

/** Functions run on a schedule. */
export type ScheduledFunctionId = {
  [K in FunctionId]: (typeof FUNCTIONS)[K] extends { schedule: object } ? K : never;
}[FunctionId];

/**
 * Functions run on a schedule (EventBridge on AWS, an interval in the local stack), with the
 * rate each needs; read off {@link FUNCTIONS}.
 */
export const SCHEDULES: Record<ScheduledFunctionId, { rateMinutes: number; localEveryS: number }> =
  Object.fromEntries(
    Object.entries(FUNCTIONS as Record<FunctionId, FunctionSpec>).flatMap(([id, f]) =>
      f.schedule ? [[id, f.schedule]] : [],
    ),
  ) as Record<ScheduledFunctionId, { rateMinutes: number; localEveryS: number }>;

/**
 * Which authoriser the gateway puts in front of a route, from its roles: public routes none,
 * device-only routes the device authoriser, routes insurers may call the API-key authoriser,
 * the rest (operators, legal staff) the staff bearer-token authoriser. The handler then checks
 * the exact role (`functions/http/auth.ts`).
 */
export type RouteAuth = 'public' | 'device' | 'operator' | 'insurer';

/** A route with the function that serves it, as the local router and the CDK stack take it. */
export interface RouteDef extends RouteSpec {
  fn: HttpFunctionId;
  auth: RouteAuth;
}

function gatewayAuth(roles: readonly Role[]): RouteAuth {
  if (roles.includes('public')) return 'public';
  if (roles.every((r) => r === 'device')) return 'device';
  if (roles.includes('insurer')) return 'insurer';
  return 'operator';
}

/** Every HTTP route, in declaration order, read off {@link FUNCTIONS}. */
export const ROUTES: readonly RouteDef[] = (
  Object.entries(FUNCTIONS as Record<FunctionId, FunctionSpec>) as [HttpFunctionId, FunctionSpec][]
).flatMap(([fn, f]) => (f.routes ?? []).map((r) => ({ ...r, fn, auth: gatewayAuth(r.roles) })));

/** Matches a request path against a template; returns the path parameters or undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    const actual = p[i]!;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (actual === '') return undefined;
      params[seg.slice(1, -1)] = decodeURIComponent(actual);
    } else if (seg !== actual) return undefined;
  }
  return params;
}
