import { latLngToCell } from 'h3-js';
import type { HttpFunctionId, ScheduledFunctionId } from '../lib/api/functions.ts';
import { rollupBaselines } from '../lib/hazards/baselineRollup.ts';
import { runNightCalibration } from '../lib/night/nightRollup.ts';
import { runPriorsJob } from '../lib/priors/priorsJob.ts';
import { InsightsStore } from './adapters/insightsStore.ts';
import { NightStore } from './adapters/nightStore.ts';
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
import type { Invocable } from './runtime/lambdaDeps.ts';
import { exportDepsFromEnv, runScheduledExports } from './scheduled/insightsExport.ts';
import { rollupInsights } from './scheduled/insightsRollup.ts';
import { priorsRegionsFromEnv } from './scheduled/priorsBuilder.ts';
import { runRolloutController } from './scheduled/rolloutController.ts';
import { createAggregatorHandler } from './stream/aggregator.ts';
import { createDeletionWorker } from './stream/deletionWorker.ts';
import { createInsightsConsumerHandler } from './stream/insightsConsumer.ts';

/** The factory behind each HTTP function: what the local stack invokes in-process. */
export const HTTP_FACTORIES: Record<HttpFunctionId, (deps: AppDeps) => Invocable<HttpEvent, HttpResult>> = {
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
export const SCHEDULED_JOBS: Record<ScheduledFunctionId, (deps: AppDeps) => () => Promise<unknown>> = {
  deletionWorker: (deps) => createDeletionWorker(deps),
  baselineRollup: (deps) => () => rollupBaselines(deps, deps.clock()),
  insightsRollup: (deps) => () => rollupInsights(deps, deps.clock()),
  insightsExport: (deps) => {
    const exportDeps = exportDepsFromEnv();
    return () => runScheduledExports(deps, exportDeps, deps.clock());
  },
  rolloutController: (deps) => () => runRolloutController(deps),
  priorsBuilder: (deps) => {
    const insights = new InsightsStore(
      deps.clients.ddb,
      deps.names.insightsRawTable,
      deps.names.insightsTable,
    );
    const candidates = new PriorCandidateStore(deps.clients.ddb, deps.names.insightsTable);
    // Locally the area of the bundled road network (Pittsburgh) unless DASHNET_PRIORS_REGIONS names others.
    const configured = priorsRegionsFromEnv();
    const regions = configured.length > 0 ? configured : [latLngToCell(40.4406, -79.9959, 4)];
    return () => runPriorsJob(priorsSourceOf(insights), candidates, { regions, nowMs: deps.clock() });
  },
  nightCalibration: (deps) => {
    const store = new NightStore(deps.clients.ddb, deps.names.insightsRawTable, deps.names.insightsTable);
    return () => runNightCalibration(store, deps.clock());
  },
};

export { createAggregatorHandler, createDeletionWorker, createInsightsConsumerHandler };
