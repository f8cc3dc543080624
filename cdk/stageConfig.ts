import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { TELEMETRY_STREAM } from '../lib/resources.ts';

/** How the telemetry stream is billed and scaled. */
export type StreamMode = 'onDemand' | 'provisioned';

/** Everything that differs between deployments of the same app, read from CDK context once. */
export interface StageConfig {
  /** Suffix of every physical name (`dashnet-<stage>-<id>`), so stages coexist in one account. */
  stage: string;
  streamMode: StreamMode;
  /** Shards of a provisioned stream; ignored on demand. */
  shards: number;
  /** Keep tables, keys and secret when the stack is deleted (default: only for `prod`). */
  retainData: boolean;
  /** How long Lambda and API access logs are kept: bounded so logs cost a known amount. */
  logRetention: RetentionDays;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /** Cameras needed to raise a hazard (DASHNET_HAZARD_MIN_CAMERAS); the handlers default to 10. */
  hazardMinCameras?: number;
  /** Alarm when fewer stream records than this arrive in 15 minutes (unset: no alarm, e.g. in dev). */
  ingestFloorRecordsPer15Min?: number;
  /** Minify handler bundles (tests turn it off to synthesise faster). */
  minify: boolean;
}

/** Error for a malformed context value; names the key. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
  readonly code = 'STAGE_CONFIG_INVALID';
}

type Context = Pick<Node, 'tryGetContext'>;

function str(node: Context, key: string): string | undefined {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function positiveInt(node: Context, key: string): number | undefined {
  const v = str(node, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new StageConfigError(`context ${key} must be a positive integer`);
  return n;
}

function bool(node: Context, key: string): boolean | undefined {
  const v = str(node, key);
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new StageConfigError(`context ${key} must be true or false`);
}

/** CloudWatch Logs accepts only certain retention periods (PutRetentionPolicy); refuse the others. */
function retention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number');
  const match = allowed.find((v) => v === days);
  if (match === undefined || match === RetentionDays.INFINITE) {
    throw new StageConfigError(
      `context logRetentionDays must be one of ${allowed.filter((v) => v > 0).join(', ')}`,
    );
  }
  return match;
}

/**
 * Reads the stage from context (`cdk.json`, or `npx cdk deploy -c stage=prod -c streamMode=provisioned -c shards=4`).
 * Fails loudly on a malformed value instead of deploying something unintended.
 */
export function stageConfigFromContext(node: Context): StageConfig {
  const stage = str(node, 'stage') ?? 'dev';
  // Stage becomes part of table, stream and bucket names: keep it to what all of them accept.
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new StageConfigError('context stage must match ^[a-z][a-z0-9-]{0,15}$');
  }
  const mode = str(node, 'streamMode') ?? 'onDemand';
  if (mode !== 'onDemand' && mode !== 'provisioned') {
    throw new StageConfigError('context streamMode must be onDemand or provisioned');
  }
  const alarmEmail = str(node, 'alarmEmail');
  const hazardMinCameras = positiveInt(node, 'hazardMinCameras');
  const ingestFloor = positiveInt(node, 'ingestFloorRecordsPer15Min');
  return {
    stage,
    streamMode: mode,
    shards: positiveInt(node, 'shards') ?? TELEMETRY_STREAM.shards,
    retainData: bool(node, 'retainData') ?? stage === 'prod',
    logRetention: retention(positiveInt(node, 'logRetentionDays') ?? 30),
    minify: bool(node, 'minify') ?? true,
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(hazardMinCameras ? { hazardMinCameras } : {}),
    ...(ingestFloor ? { ingestFloorRecordsPer15Min: ingestFloor } : {}),
  };
}
