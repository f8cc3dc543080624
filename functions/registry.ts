import { latLngToCell } from 'h3-js';
import type { FunctionId, HttpFunctionId, ScheduledFunctionId } from '../lib/api/functions.ts';
import { rollupBaselines } from '../lib/hazards/baselineRollup.ts';
import { runNightCalibration } from '../lib/night/nightRollup.ts';
import { DEFAULT_TILE_RESOLUTION } from '../lib/priors/cellPriors.ts';
import { runPriorsJob } from '../lib/priors/priorsJob.ts';
import { PriorCandidateStore, priorsSourceOf } from './adapters/priorsSource.ts';
import { createArtefactOfferHandler, createArtefactsHandler } from './http/artefacts.ts';
import { createAuditVerifyHandler } from './http/audit.ts';
import {
  createConsentHandler,
  createDevicesHandler,
  createRevokeDeviceHandler,
  createRotateTokenHandler,
} from './http/devices.ts';
import { createExportsHandler } from './http/exports.ts';
import { createOpen511Handler, createWazeCifsHandler } from './http/feeds.ts';
import { createHazardHistoryHandler, createHazardsHandler } from './http/hazards.ts';
import type { HttpEvent, HttpResult } from './http/httpKit.ts';
import {
  createCoverageHandler,
  createHotspotsHandler,
  createSegmentsHandler,
  createSpeedCheckHandler,
} from './http/insights.ts';
import { createInsurersHandler } from './http/insurers.ts';
import {
  createLegalApproveHandler,
  createLegalExportHandler,
  createLegalRequestHandler,
} from './http/legal.ts';
import { createNightCandidatesHandler } from './http/nightCandidates.ts';
import { createHealthHandler, createOpsStatsHandler } from './http/ops.ts';
import { createDeletionRequestHandler, createDeletionStatusHandler } from './http/privacy.ts';
import { createStaffHandler } from './http/staff.ts';
import { createTelemetryHandler } from './http/telemetry.ts';
import type { AppDeps } from './runtime/deps.ts';
import { type DepsOf, pickDeps } from './runtime/functionDeps.ts';
import type { Invocable } from './runtime/lambdaDeps.ts';
import { exportDepsFromEnv, runScheduledExports } from './scheduled/insightsExport.ts';
import { rollupInsights } from './scheduled/insightsRollup.ts';
import { priorsRegionsFromEnv } from './scheduled/priorsBuilder.ts';
import { runRolloutController } from './scheduled/rolloutController.ts';
import { createAggregatorHandler as aggregatorOver } from './stream/aggregator.ts';
import { createDeletionWorker } from './stream/deletionWorker.ts';
import { createInsightsConsumerHandler as insightsConsumerOver } from './stream/insightsConsumer.ts';

type HttpFactory<F extends FunctionId> = (deps: DepsOf<F>) => Invocable<HttpEvent, HttpResult>;
type ScheduledJob<F extends FunctionId> = (deps: DepsOf<F>) => () => Promise<unknown>;

/**
 * Each HTTP function's factory, typed over exactly the dependencies FUNCTION_DEPS declares for it
 * (functions/runtime/functionDeps.ts): a factory that needs more does not compile here.
 */
const HTTP_DECLARED: { [F in HttpFunctionId]: HttpFactory<F> } = {
  telemetry: createTelemetryHandler,
  devices: createDevicesHandler,
  consent: createConsentHandler,
  hazards: createHazardsHandler,
  hazardHistory: createHazardHistoryHandler,
  opsStats: createOpsStatsHandler,
  health: createHealthHandler,
  rotateToken: createRotateTokenHandler,
  revokeDevice: createRevokeDeviceHandler,
  insurers: createInsurersHandler,
  staff: createStaffHandler,
  auditVerify: createAuditVerifyHandler,
  deletionRequest: createDeletionRequestHandler,
  deletionStatus: createDeletionStatusHandler,
  legalRequest: createLegalRequestHandler,
  legalApprove: createLegalApproveHandler,
  legalExport: createLegalExportHandler,
  wazeFeed: createWazeCifsHandler,
  open511Feed: createOpen511Handler,
  insightsSegments: createSegmentsHandler,
  insightsSpeedCheck: createSpeedCheckHandler,
  insightsHotspots: createHotspotsHandler,
  coverage: createCoverageHandler,
  insightsExports: (deps) => createExportsHandler(deps),
  nightCandidates: (deps) => createNightCandidatesHandler(deps),
  artefacts: (deps) => createArtefactsHandler(deps),
  artefactOffer: (deps) => createArtefactOfferHandler(deps),
};

/**
 * The job behind each scheduled function: what the local stack runs on a timer every
 * `SCHEDULES[id].localEveryS` (EventBridge invokes the same modules' handlers on AWS).
 */
const SCHEDULED_DECLARED: { [F in ScheduledFunctionId]: ScheduledJob<F> } = {
  deletionWorker: (deps) => createDeletionWorker(deps),
  baselineRollup: (deps) => () => rollupBaselines(deps, deps.clock()),
  insightsRollup: (deps) => () => rollupInsights(deps, deps.clock()),
  statsCompactor: (deps) => () => deps.stats.compact(deps.clock()),
  insightsExport: (deps) => {
    const exportDeps = exportDepsFromEnv();
    return () => runScheduledExports(deps, exportDeps, deps.clock());
  },
  rolloutController: (deps) => () => runRolloutController(deps),
  priorsBuilder: (deps) => {
    const candidates = new PriorCandidateStore(deps.clients.ddb, deps.names.insightsTable);
    // Locally the area of the bundled road network (Pittsburgh) unless DASHNET_PRIORS_REGIONS names others.
    const configured = priorsRegionsFromEnv();
    const regions =
      configured.length > 0 ? configured : [latLngToCell(40.4406, -79.9959, DEFAULT_TILE_RESOLUTION)];
    return () => runPriorsJob(priorsSourceOf(deps.insights), candidates, { regions, nowMs: deps.clock() });
  },
  nightCalibration: (deps) => () => runNightCalibration(deps.night, deps.clock()),
};

/** Hands each factory its own share of `deps` (pickDeps), so the whole bag never reaches a handler. */
function handedItsShare<R>(declared: Partial<Record<FunctionId, (deps: never) => R>>) {
  return Object.fromEntries(
    Object.entries(declared).map(([id, factory]) => [
      id,
      (deps: AppDeps) => (factory as (d: unknown) => R)(pickDeps(deps, id as FunctionId)),
    ]),
  );
}

/** The factory behind each HTTP function: what the local stack invokes in-process. */
export const HTTP_FACTORIES = handedItsShare(HTTP_DECLARED) as Record<
  HttpFunctionId,
  (deps: AppDeps) => Invocable<HttpEvent, HttpResult>
>;

/** The job behind each scheduled function, handed its own share of `deps`. */
export const SCHEDULED_JOBS = handedItsShare(SCHEDULED_DECLARED) as Record<
  ScheduledFunctionId,
  (deps: AppDeps) => () => Promise<unknown>
>;

/** The aggregator (stream consumer), handed only its declared dependencies. */
export function createAggregatorHandler(
  deps: AppDeps,
  ...rest: DropFirst<Parameters<typeof aggregatorOver>>
) {
  return aggregatorOver(pickDeps(deps, 'aggregator'), ...rest);
}

/** The insights consumer (stream consumer), handed only its declared dependencies. */
export function createInsightsConsumerHandler(
  deps: AppDeps,
  ...rest: DropFirst<Parameters<typeof insightsConsumerOver>>
) {
  return insightsConsumerOver(pickDeps(deps, 'insightsConsumer'), ...rest);
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

export { createDeletionWorker };
