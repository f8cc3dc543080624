import type { FunctionId } from '../lib/api/functions.ts';
import {
  ARTEFACT_HEALTH_TABLE,
  ARTEFACTS_TABLE,
  AUDIT_TABLE,
  BASELINES_TABLE,
  BUCKETS_TABLE,
  HAZARDS_TABLE,
  IDENTITY_TABLE,
  INGEST_TABLE,
  INSIGHTS_RAW_TABLE,
  INSIGHTS_TABLE,
  RATE_LIMITS_TABLE,
  STATS_TABLE,
  TABLES,
  type TableDef,
} from '../lib/resources.ts';
import type { ByAuth } from './constructs/HttpApi.ts';

/**
 * What a function may do to a table:
 * - `read`: GetItem/Query/Scan (and the table's indexes) — `grantReadData`;
 * - `write`: PutItem/UpdateItem/DeleteItem — `grantWriteData`;
 * - `readWrite`: both — `grantReadWriteData`;
 * - `describe`: DescribeTable only, for the health check;
 * - `append`: Query + PutItem only — an append-only log: a function can add entries (conditional
 *   on the next sequence number) but never update or delete one.
 */
export type TableAccess = 'read' | 'write' | 'readWrite' | 'describe' | 'append';

/**
 * What a function may do to the telemetry stream. `read` is not listed here: the aggregator's
 * event source mapping grants it (`KinesisEventSource` calls `stream.grantRead`).
 * - `put`: PutRecords plus `kms:GenerateDataKey` on the stream key (what a producer of an
 *   SSE-KMS stream needs; Kinesis developer guide, "Permissions to use user-generated KMS keys");
 * - `describe`: DescribeStreamSummary only, for the health check.
 */
export type StreamAccess = 'put' | 'describe';

export interface FunctionAccess {
  tables: readonly (readonly [TableDef, TableAccess])[];
  stream?: StreamAccess;
  /** PutObject into the failure bucket (poison records; the ESM's on-failure destination). */
  failureBucket?: 'put';
  /** Read the operator-token secret (also implied by an `operator` or `legal` route, see AUTH_ACCESS). */
  operatorSecret?: boolean;
}

/**
 * What authenticating a caller costs, by the route's `auth` (functions/http/auth.ts `authorize`):
 * - every non-public route resolves credentials in Identity (token / API-key / staff hashes);
 * - device routes derive today's pseudonym (creates the day key on first use: a write) and
 *   count the request in RateLimits; insurer routes count in RateLimits too;
 * - operator and legal routes may present the root operator token (legal routes admit
 *   operators), so they read the secret.
 * Applied to every function behind such a route, so a route added to ROUTES gets exactly this.
 */
export const AUTH_ACCESS: ByAuth<FunctionAccess> = {
  public: { tables: [] },
  device: {
    tables: [
      [IDENTITY_TABLE, 'readWrite'],
      [RATE_LIMITS_TABLE, 'readWrite'],
    ],
  },
  insurer: {
    tables: [
      [IDENTITY_TABLE, 'read'],
      [RATE_LIMITS_TABLE, 'readWrite'],
    ],
  },
  operator: { tables: [[IDENTITY_TABLE, 'read']], operatorSecret: true },
  legal: { tables: [[IDENTITY_TABLE, 'read']], operatorSecret: true },
};

/** Operator actions append to the hash-chained audit log (read the head, conditional put). */
const AUDITED: FunctionAccess['tables'] = [[AUDIT_TABLE, 'append']];

/**
 * Least privilege beyond authentication, derived from what each handler's stores call (see
 * `functions/adapters/*`). One map, so a reviewer reads every function's reach in one screen;
 * typed over `FunctionId`, so a new function does not compile until its access is decided here.
 */
export const FUNCTION_ACCESS: Record<FunctionId, FunctionAccess> = {
  // Per-period HMAC keys (Identity), idempotency marker (Ingest), sharded counters (Stats).
  // Rollout lines (Artefacts) and per-version health counters (ArtefactHealth) for staged rollouts.
  telemetry: {
    tables: [
      [IDENTITY_TABLE, 'readWrite'],
      [INGEST_TABLE, 'readWrite'],
      [STATS_TABLE, 'write'],
      [ARTEFACTS_TABLE, 'read'],
      [ARTEFACT_HEALTH_TABLE, 'write'],
    ],
    stream: 'put',
  },
  devices: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  consent: { tables: [[IDENTITY_TABLE, 'readWrite']] },
  rotateToken: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  revokeDevice: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  insurers: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  staff: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  hazards: { tables: [[HAZARDS_TABLE, 'read']] },
  hazardHistory: { tables: [[HAZARDS_TABLE, 'read']] },
  wazeFeed: { tables: [[HAZARDS_TABLE, 'read']] },
  open511Feed: { tables: [[HAZARDS_TABLE, 'read']] },
  // Scan of the counters (a handful of items).
  opsStats: { tables: [[STATS_TABLE, 'read']] },
  // DescribeTable / DescribeStreamSummary: proves each dependency answers, reads no data.
  health: { tables: TABLES.map((t) => [t, 'describe'] as const), stream: 'describe' },
  auditVerify: { tables: [[AUDIT_TABLE, 'read']] },
  // Withdraws consent and queues a deletion job (job items live in Identity).
  deletionRequest: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  deletionStatus: { tables: [[IDENTITY_TABLE, 'read']] },
  legalRequest: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  legalApprove: { tables: [[IDENTITY_TABLE, 'readWrite'], ...AUDITED] },
  // Reads one device's pseudonymous records (a sweep in read mode) for a court-approved export.
  legalExport: { tables: [[IDENTITY_TABLE, 'read'], [BUCKETS_TABLE, 'read'], ...AUDITED] },
  // Sweeps and deletes a device's pseudonymous records, then marks the job done.
  deletionWorker: {
    tables: [
      [IDENTITY_TABLE, 'readWrite'],
      [BUCKETS_TABLE, 'readWrite'],
      [INGEST_TABLE, 'readWrite'],
      [INSIGHTS_RAW_TABLE, 'readWrite'],
      ...AUDITED,
    ],
  },
  // Buckets: set-add + window Query. Hazards: Query active, Put/Update. Baselines: read, mark dirty.
  aggregator: {
    tables: [
      [BUCKETS_TABLE, 'readWrite'],
      [HAZARDS_TABLE, 'readWrite'],
      [BASELINES_TABLE, 'readWrite'],
      [STATS_TABLE, 'write'],
    ],
    failureBucket: 'put',
  },
  // Hourly: folds dirty minute buckets into the per-cell hour-of-week baselines.
  baselineRollup: {
    tables: [
      [BUCKETS_TABLE, 'read'],
      [BASELINES_TABLE, 'readWrite'],
    ],
  },
  // Puts raw per-record contributions and day work items. Reads nothing; its event source
  // mapping grants the stream read. Poison goes to S3 via the aggregator, not here.
  insightsConsumer: { tables: [[INSIGHTS_RAW_TABLE, 'write']] },
  // Hourly: Scan the ops counters, put hourly totals, delete the folded exactly-once items.
  statsCompactor: { tables: [[STATS_TABLE, 'readWrite']] },
  // Daily fold: Query work items and raw contributions, delete work items; overwrite aggregates.
  insightsRollup: {
    tables: [
      [INSIGHTS_RAW_TABLE, 'readWrite'],
      [INSIGHTS_TABLE, 'readWrite'],
    ],
  },
  // Insurer queries read only the anonymous aggregates, plus the audit chain every query appends to.
  insightsSegments: { tables: [[INSIGHTS_TABLE, 'read'], ...AUDITED] },
  insightsSpeedCheck: { tables: [[INSIGHTS_TABLE, 'read'], ...AUDITED] },
  insightsHotspots: { tables: [[INSIGHTS_TABLE, 'read'], ...AUDITED] },
  // Also admits operators (bearer token, possibly the root secret).
  coverage: { tables: [[INSIGHTS_TABLE, 'read'], ...AUDITED], operatorSecret: true },
  // Lists insurers (Identity Scan), reads aggregates, audits; the exports bucket and signing
  // secret are granted by the ExportsBucket construct (cdk/constructs/ExportsBucket.ts).
  insightsExports: {
    tables: [[IDENTITY_TABLE, 'read'], [INSIGHTS_TABLE, 'read'], ...AUDITED],
    operatorSecret: true,
  },
  insightsExport: { tables: [[IDENTITY_TABLE, 'read'], [INSIGHTS_TABLE, 'read'], ...AUDITED] },
  // Folds night observations (InsightsRaw) into anonymous aggregates and candidates (Insights).
  nightCalibration: {
    tables: [
      [INSIGHTS_RAW_TABLE, 'read'],
      [INSIGHTS_TABLE, 'readWrite'],
    ],
  },
  nightCandidates: { tables: [[INSIGHTS_TABLE, 'read']] },
  // Reads the insights' day aggregates, stores unsigned tile candidates beside them.
  priorsBuilder: { tables: [[INSIGHTS_TABLE, 'readWrite']] },
  // The registry, the health it shows operators, the audit of every publish/promote/rollback;
  // the bytes' bucket prefix is granted by cdk/constructs/ArtefactGrants.ts.
  artefacts: {
    tables: [[ARTEFACTS_TABLE, 'readWrite'], [ARTEFACT_HEALTH_TABLE, 'read'], ...AUDITED],
  },
  artefactOffer: { tables: [[ARTEFACTS_TABLE, 'read']] },
  rolloutController: {
    tables: [[ARTEFACTS_TABLE, 'readWrite'], [ARTEFACT_HEALTH_TABLE, 'read'], ...AUDITED],
  },
};
