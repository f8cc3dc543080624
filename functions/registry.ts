import type { FunctionId } from '../lib/api/functions.ts';
import { createConsentHandler, createDevicesHandler } from './http/devices.ts';
import { createHazardHistoryHandler, createHazardsHandler } from './http/hazards.ts';
import type { HttpEvent, HttpResult } from './http/httpKit.ts';
import { createHealthHandler, createOpsStatsHandler } from './http/ops.ts';
import { createTelemetryHandler } from './http/telemetry.ts';
import type { AppDeps } from './runtime/deps.ts';
import type { Invocable } from './runtime/lambdaDeps.ts';
import { createAggregatorHandler } from './stream/aggregator.ts';

/** The factory behind each HTTP function: what the local stack invokes in-process. */
export const HTTP_FACTORIES: Record<
  Exclude<FunctionId, 'aggregator'>,
  (deps: AppDeps) => Invocable<HttpEvent, HttpResult>
> = {
  telemetry: createTelemetryHandler,
  devices: createDevicesHandler,
  consent: createConsentHandler,
  hazards: createHazardsHandler,
  hazardHistory: createHazardHistoryHandler,
  opsStats: createOpsStatsHandler,
  health: createHealthHandler,
};

export { createAggregatorHandler };
