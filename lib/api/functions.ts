/**
 * The deployable functions: which module and export each runs. The CDK stack bundles exactly
 * these entries; the local stack invokes the factories of the same modules.
 */
export const FUNCTIONS = {
  telemetry: { entry: 'functions/http/telemetry.ts', handler: 'handler', memoryMb: 512, timeoutS: 10 },
  devices: { entry: 'functions/http/devices.ts', handler: 'handler', memoryMb: 256, timeoutS: 10 },
  consent: { entry: 'functions/http/devices.ts', handler: 'consentHandler', memoryMb: 256, timeoutS: 10 },
  hazards: { entry: 'functions/http/hazards.ts', handler: 'handler', memoryMb: 512, timeoutS: 10 },
  hazardHistory: {
    entry: 'functions/http/hazards.ts',
    handler: 'historyHandler',
    memoryMb: 512,
    timeoutS: 10,
  },
  opsStats: { entry: 'functions/http/ops.ts', handler: 'statsHandler', memoryMb: 256, timeoutS: 10 },
  health: { entry: 'functions/http/ops.ts', handler: 'healthHandler', memoryMb: 256, timeoutS: 10 },
  wazeFeed: { entry: 'functions/http/feeds.ts', handler: 'wazeHandler', memoryMb: 512, timeoutS: 10 },
  open511Feed: { entry: 'functions/http/feeds.ts', handler: 'open511Handler', memoryMb: 512, timeoutS: 10 },
  rotateToken: {
    entry: 'functions/http/devices.ts',
    handler: 'rotateTokenHandler',
    memoryMb: 256,
    timeoutS: 10,
  },
  revokeDevice: { entry: 'functions/http/devices.ts', handler: 'revokeHandler', memoryMb: 256, timeoutS: 10 },
  insurers: { entry: 'functions/http/insurers.ts', handler: 'handler', memoryMb: 256, timeoutS: 10 },
  staff: { entry: 'functions/http/staff.ts', handler: 'handler', memoryMb: 256, timeoutS: 10 },
  auditVerify: { entry: 'functions/http/audit.ts', handler: 'handler', memoryMb: 512, timeoutS: 30 },
  deletionRequest: {
    entry: 'functions/http/privacy.ts',
    handler: 'requestHandler',
    memoryMb: 256,
    timeoutS: 10,
  },
  deletionStatus: {
    entry: 'functions/http/privacy.ts',
    handler: 'statusHandler',
    memoryMb: 256,
    timeoutS: 10,
  },
  legalRequest: { entry: 'functions/http/legal.ts', handler: 'requestHandler', memoryMb: 256, timeoutS: 10 },
  legalApprove: { entry: 'functions/http/legal.ts', handler: 'approveHandler', memoryMb: 256, timeoutS: 10 },
  legalExport: { entry: 'functions/http/legal.ts', handler: 'exportHandler', memoryMb: 512, timeoutS: 30 },
  /** Not behind a route: drains deletion jobs (scheduled on AWS, on an interval locally). */
  deletionWorker: {
    entry: 'functions/stream/deletionWorker.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 900,
  },
  aggregator: { entry: 'functions/stream/aggregator.ts', handler: 'handler', memoryMb: 1024, timeoutS: 60 },
  baselineRollup: {
    entry: 'functions/scheduled/baselineRollup.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 300,
  },
  /** The second consumer of the telemetry stream: raw contributions for the insurer insights. */
  insightsConsumer: {
    entry: 'functions/stream/insightsConsumer.ts',
    handler: 'handler',
    memoryMb: 512,
    timeoutS: 60,
  },
  insightsRollup: {
    entry: 'functions/scheduled/insightsRollup.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
  },
  insightsSegments: {
    entry: 'functions/http/insights.ts',
    handler: 'segmentsHandler',
    memoryMb: 512,
    timeoutS: 10,
  },
  insightsSpeedCheck: {
    entry: 'functions/http/insights.ts',
    handler: 'speedCheckHandler',
    memoryMb: 512,
    timeoutS: 10,
  },
  insightsHotspots: {
    entry: 'functions/http/insights.ts',
    handler: 'hotspotsHandler',
    memoryMb: 512,
    timeoutS: 10,
  },
  coverage: { entry: 'functions/http/insights.ts', handler: 'coverageHandler', memoryMb: 512, timeoutS: 10 },
  /** Insurer exports: list with presigned URLs, on-demand export, public key, local downloads. */
  insightsExports: { entry: 'functions/http/exports.ts', handler: 'handler', memoryMb: 1024, timeoutS: 29 },
  /** Not behind a route: daily and monthly exports per insurer (scheduled). */
  insightsExport: {
    entry: 'functions/scheduled/insightsExport.ts',
    handler: 'handler',
    memoryMb: 1024,
    timeoutS: 900,
  },
} as const;

export type FunctionId = keyof typeof FUNCTIONS;

/**
 * Functions run on a schedule (EventBridge on AWS, an interval in the local stack), with the
 * rate each needs.
 */
export const SCHEDULES: Partial<Record<FunctionId, { rateMinutes: number; localEveryS: number }>> = {
  baselineRollup: { rateMinutes: 60, localEveryS: 60 },
  // Deletion requests are asynchronous but should finish within minutes.
  deletionWorker: { rateMinutes: 1, localEveryS: 1 },
  // Each period is written once, when due (functions/scheduled/insightsExport.ts); hourly catches up.
  insightsExport: { rateMinutes: 60, localEveryS: 300 },
};

/** Functions not behind a route: stream consumers and scheduled jobs. */
export type BackgroundFunctionId =
  | 'aggregator'
  | 'deletionWorker'
  | 'baselineRollup'
  | 'insightsConsumer'
  | 'insightsRollup'
  | 'insightsExport';

/** Functions behind an HTTP route. */
export type HttpFunctionId = Exclude<FunctionId, BackgroundFunctionId>;

/** Who may call a route; enforced in the handlers, mirrored by the API's authorisers. */
export type RouteAuth = 'public' | 'device' | 'operator' | 'insurer';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. `/v1/privacy/deletion/{requestId}`. */
  path: string;
  fn: HttpFunctionId;
  auth: RouteAuth;
}

/** Every HTTP route of contract v1 that is implemented, one source for the local server and CDK. */
export const ROUTES: readonly RouteDef[] = [
  { method: 'POST', path: '/v1/telemetry', fn: 'telemetry', auth: 'device' },
  { method: 'POST', path: '/v1/devices', fn: 'devices', auth: 'operator' },
  { method: 'PUT', path: '/v1/consent', fn: 'consent', auth: 'device' },
  { method: 'GET', path: '/v1/hazards', fn: 'hazards', auth: 'public' },
  { method: 'GET', path: '/v1/hazards/history', fn: 'hazardHistory', auth: 'public' },
  { method: 'GET', path: '/v1/feeds/waze-cifs.json', fn: 'wazeFeed', auth: 'public' },
  { method: 'GET', path: '/v1/feeds/open511/events', fn: 'open511Feed', auth: 'public' },
  { method: 'GET', path: '/v1/ops/stats', fn: 'opsStats', auth: 'operator' },
  { method: 'GET', path: '/healthz', fn: 'health', auth: 'public' },
  { method: 'POST', path: '/v1/devices/{deviceId}/token', fn: 'rotateToken', auth: 'operator' },
  { method: 'DELETE', path: '/v1/devices/{deviceId}', fn: 'revokeDevice', auth: 'operator' },
  { method: 'POST', path: '/v1/insurers', fn: 'insurers', auth: 'operator' },
  { method: 'POST', path: '/v1/ops/staff', fn: 'staff', auth: 'operator' },
  { method: 'GET', path: '/v1/ops/audit/verify', fn: 'auditVerify', auth: 'operator' },
  { method: 'POST', path: '/v1/privacy/deletion', fn: 'deletionRequest', auth: 'device' },
  { method: 'GET', path: '/v1/privacy/deletion/{requestId}', fn: 'deletionStatus', auth: 'device' },
  // Legal routes admit legal staff and operators (lib/auth/authzMatrix.ts decides; both are
  // staff bearer tokens, so the gateway treats them as operator routes).
  { method: 'POST', path: '/v1/legal/requests', fn: 'legalRequest', auth: 'operator' },
  { method: 'POST', path: '/v1/legal/requests/{requestId}/approve', fn: 'legalApprove', auth: 'operator' },
  { method: 'GET', path: '/v1/legal/requests/{requestId}/export', fn: 'legalExport', auth: 'operator' },
  { method: 'GET', path: '/v1/insights/segments', fn: 'insightsSegments', auth: 'insurer' },
  { method: 'POST', path: '/v1/insights/speed-check', fn: 'insightsSpeedCheck', auth: 'insurer' },
  { method: 'GET', path: '/v1/insights/hotspots', fn: 'insightsHotspots', auth: 'insurer' },
  // Insurers and operators (lib/auth/authzMatrix.ts); the gateway route admits insurers'
  // API keys, the handler also takes an operator's bearer token.
  { method: 'GET', path: '/v1/coverage', fn: 'coverage', auth: 'insurer' },
  { method: 'GET', path: '/v1/insights/exports', fn: 'insightsExports', auth: 'insurer' },
  // Insurers (own data) and operators (any insurer), like coverage.
  { method: 'POST', path: '/v1/insights/exports', fn: 'insightsExports', auth: 'insurer' },
  { method: 'GET', path: '/v1/insights/exports/public-key', fn: 'insightsExports', auth: 'public' },
  // Local signed download URLs (the HMAC in the URL authorises); on AWS the URLs point at S3.
  { method: 'GET', path: '/v1/insights/exports/download', fn: 'insightsExports', auth: 'public' },
];

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
