import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ConfigError, intEnv, requireEnv } from '../../lib/config/env.ts';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../lib/hazards/detector.ts';
import { HAZARD_RULE_NAMES, type HazardRuleName, ruleFromConfig } from '../../lib/hazards/hazardRule.ts';
import {
  ARTEFACT_HEALTH_TABLE,
  ARTEFACTS_TABLE,
  AUDIT_TABLE,
  BASELINES_TABLE,
  BUCKETS_TABLE,
  ENV,
  HAZARDS_TABLE,
  IDENTITY_TABLE,
  INGEST_TABLE,
  INSIGHTS_RAW_TABLE,
  INSIGHTS_TABLE,
  RATE_LIMITS_TABLE,
  STATS_TABLE,
  TELEMETRY_STREAM,
} from '../../lib/resources.ts';
import { ArtefactHealthStore } from '../adapters/artefactHealthStore.ts';
import { ArtefactRegistryStore } from '../adapters/artefactRegistryStore.ts';
import { AuditStore } from '../adapters/auditStore.ts';
import { type AwsClients, createAwsClients } from '../adapters/awsClients.ts';
import { BaselineStore } from '../adapters/baselineStore.ts';
import { BucketRecordReader } from '../adapters/bucketRecordReader.ts';
import { BucketStore } from '../adapters/bucketStore.ts';
import { DeletionStore } from '../adapters/deletionStore.ts';
import { DeviceDataSweeper } from '../adapters/deviceDataSweeper.ts';
import { HazardStore } from '../adapters/hazardStore.ts';
import { IdentityStore } from '../adapters/identityStore.ts';
import { IngestStore } from '../adapters/ingestStore.ts';
import { InsightsStore } from '../adapters/insightsStore.ts';
import { NightStore } from '../adapters/nightStore.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from '../adapters/rateLimiter.ts';
import { StatsStore } from '../adapters/statsStore.ts';
import { TelemetryStreamWriter } from '../adapters/telemetryStream.ts';
import type { FailureSink } from './failureSink.ts';

/** Physical names of the resources, as the stack (CDK or local) created them. */
export interface ResourceNames {
  identityTable: string;
  ingestTable: string;
  bucketsTable: string;
  hazardsTable: string;
  statsTable: string;
  baselinesTable: string;
  auditTable: string;
  rateLimitsTable: string;
  insightsRawTable: string;
  insightsTable: string;
  artefactsTable: string;
  artefactHealthTable: string;
  telemetryStream: string;
}

/**
 * Every dependency of every function: what the stack builds once. A function is handed only its
 * share (`pickDeps`, functions/runtime/functionDeps.ts), mirroring its IAM grant.
 */
export interface AppDeps {
  clients: AwsClients;
  names: ResourceNames;
  identity: IdentityStore;
  ingest: IngestStore;
  buckets: BucketStore;
  /** Read-only: the minute buckets carrying given pseudonyms (a legal export's scope). */
  bucketRecords: BucketRecordReader;
  hazards: HazardStore;
  stats: StatsStore;
  baselines: BaselineStore;
  audit: AuditStore;
  deletions: DeletionStore;
  insights: InsightsStore;
  /** Night observations (InsightsRaw) and the calibration's aggregates and candidates (Insights). */
  night: NightStore;
  /** The over-the-air artefact registry (docs/ota.md). */
  artefacts: ArtefactRegistryStore;
  /** Health counts per artefact version under rollout. */
  artefactHealth: ArtefactHealthStore;
  rateLimiter: RateLimiter;
  /** The telemetry stream, with concurrent requests' records sharing PutRecords calls. */
  stream: TelemetryStreamWriter;
  clock: () => number;
  randomBytes: (n: number) => Uint8Array;
  hmac: (key: string, data: string) => string;
  sha256: (data: string) => string;
  operatorToken: () => Promise<string>;
  detector: DetectorConfig;
  failureSink: FailureSink;
}

export interface DepsOptions {
  clients: AwsClients;
  names: ResourceNames;
  operatorToken: () => Promise<string>;
  failureSink: FailureSink;
  hazardMinCameras?: number;
  hazardRule?: HazardRuleName;
  clock?: () => number;
  rateLimits?: Partial<RateLimits>;
  /** How long ingest may cache the list of rollouts under way (ms; default 60 s; tests use 0). */
  artefactCacheMs?: number;
}

/** Wires the stores and helpers over the given clients and names. */
export function createDeps(opts: DepsOptions): AppDeps {
  const { ddb } = opts.clients;
  const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
  return {
    clients: opts.clients,
    names: opts.names,
    identity: new IdentityStore(ddb, opts.names.identityTable),
    ingest: new IngestStore(ddb, opts.names.ingestTable),
    buckets: new BucketStore(ddb, opts.names.bucketsTable),
    // The reader scans the Buckets phase only, so its sweeper is given no other table's name
    // (an empty name addresses nothing): it reaches exactly what a legal export is granted.
    bucketRecords: new BucketRecordReader(
      new DeviceDataSweeper(ddb, { Buckets: opts.names.bucketsTable, Ingest: '', InsightsRaw: '' }),
    ),
    hazards: new HazardStore(ddb, opts.names.hazardsTable),
    stats: new StatsStore(ddb, opts.names.statsTable),
    baselines: new BaselineStore(ddb, opts.names.baselinesTable),
    audit: new AuditStore(ddb, opts.names.auditTable, sha256),
    deletions: new DeletionStore(ddb, opts.names.identityTable),
    insights: new InsightsStore(ddb, opts.names.insightsRawTable, opts.names.insightsTable),
    night: new NightStore(ddb, opts.names.insightsRawTable, opts.names.insightsTable),
    artefacts: new ArtefactRegistryStore(ddb, opts.names.artefactsTable, opts.artefactCacheMs),
    artefactHealth: new ArtefactHealthStore(ddb, opts.names.artefactHealthTable),
    rateLimiter: new RateLimiter(ddb, opts.names.rateLimitsTable, {
      ...DEFAULT_RATE_LIMITS,
      ...opts.rateLimits,
    }),
    stream: new TelemetryStreamWriter(opts.clients.kinesis, opts.names.telemetryStream),
    clock: opts.clock ?? Date.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    hmac: (key, data) => createHmac('sha256', key).update(data).digest('base64url'),
    sha256,
    operatorToken: opts.operatorToken,
    detector: { ...DEFAULT_DETECTOR_CONFIG, rule: ruleFromConfig(opts.hazardRule, opts.hazardMinCameras) },
    failureSink: opts.failureSink,
  };
}

/** Resource names from the environment the CDK stack (or the local stack) sets. */
export function namesFromEnv(env: Record<string, string | undefined>): ResourceNames {
  return {
    identityTable: requireEnv(env, IDENTITY_TABLE.envVar),
    ingestTable: requireEnv(env, INGEST_TABLE.envVar),
    bucketsTable: requireEnv(env, BUCKETS_TABLE.envVar),
    hazardsTable: requireEnv(env, HAZARDS_TABLE.envVar),
    statsTable: requireEnv(env, STATS_TABLE.envVar),
    baselinesTable: requireEnv(env, BASELINES_TABLE.envVar),
    auditTable: requireEnv(env, AUDIT_TABLE.envVar),
    rateLimitsTable: requireEnv(env, RATE_LIMITS_TABLE.envVar),
    insightsRawTable: requireEnv(env, INSIGHTS_RAW_TABLE.envVar),
    insightsTable: requireEnv(env, INSIGHTS_TABLE.envVar),
    artefactsTable: requireEnv(env, ARTEFACTS_TABLE.envVar),
    artefactHealthTable: requireEnv(env, ARTEFACT_HEALTH_TABLE.envVar),
    telemetryStream: requireEnv(env, TELEMETRY_STREAM.envVar),
  };
}

/** The Lambda runtime's dependencies, read from the environment once. */
export function depsFromEnv(env: Record<string, string | undefined>, failureSink: FailureSink): AppDeps {
  const names = namesFromEnv(env);
  let token: Promise<string> | undefined;
  return createDeps({
    clients: createAwsClients({ region: requireEnv(env, 'AWS_REGION') }),
    names,
    failureSink,
    hazardMinCameras: intEnv(env, ENV.hazardMinCameras, 10),
    hazardRule: ruleNameEnv(env),
    operatorToken: () => {
      token ??= resolveOperatorToken(env);
      return token;
    },
  });
}

async function resolveOperatorToken(env: Record<string, string | undefined>): Promise<string> {
  const direct = env[ENV.operatorToken];
  if (direct) return direct;
  const arn = requireEnv(env, ENV.operatorTokenSecretArn);
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  return requireEnv({ token: res.SecretString }, 'token');
}

function ruleNameEnv(env: Record<string, string | undefined>): HazardRuleName {
  const value = env[ENV.hazardRule] ?? 'statistical';
  if (!(HAZARD_RULE_NAMES as readonly string[]).includes(value)) {
    throw new ConfigError(
      `environment variable ${ENV.hazardRule} must be one of ${HAZARD_RULE_NAMES.join(', ')}`,
    );
  }
  return value as HazardRuleName;
}
