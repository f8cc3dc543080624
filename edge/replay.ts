import type { FrameKinematics } from './badas/badasStage.ts';
import { parseKinematicsCsv } from './badas/kinematicsCsv.ts';
import { ManualClock } from './core/clock.ts';
import { EdgeError } from './core/errors.ts';
import { silentLogger } from './core/logger.ts';
import type { EdgePlatform } from './core/platform.ts';
import { createSeededRandom } from './core/random.ts';
import { MemoryStorage } from './core/storage.ts';
import { DEFAULT_EDGE_CONFIG, type DeclaredPlace } from './edgeConfig.ts';
import { EdgePipeline, type LocalRecorder } from './pipeline.ts';
import { parseGpsCsv, parseImuCsv } from './sensors/csvLog.ts';
import type { CalibrationState } from './sensors/mountCalibration.ts';
import type { GpsFix, ImuSample } from './sensors/samples.ts';

/** Input of {@link replayLogs}. */
export interface ReplayInput {
  gpsCsv: string;
  imuCsv?: string;
  homes?: DeclaredPlace[];
  /** Seeds every random draw (ids, zones, trims), so a replay is reproducible. */
  seed?: string;
  /**
   * Per-frame lead kinematics, the `dashnet edge badas` CSV (`t,ego_speed_mps,ego_accel_mps2,
   * lead_gap_m,lead_closing_mps`), fed to BADAS with `pushFrame`. Needs {@link badasModel}.
   */
  framesCsv?: string;
  /** The BADAS `.onnx` bytes (the caller reads them: this module reads no files). */
  badasModel?: Uint8Array;
  /** Receives every located detection, unredacted (the device-local record). */
  recorder?: LocalRecorder;
  /** Told, at the end, what the camera made of the logs (the device log's summary). */
  onSummary?: (summary: ReplaySummary) => void;
}

/** What one replay did, for the device log and the command line. */
export interface ReplaySummary {
  /** Detections by type, before placement and redaction. */
  detected: Record<string, number>;
  /** Detections no GPS fix could place (kept nowhere). */
  unlocated: number;
  calibration: CalibrationState;
  /** Sensor time of the first sample, for reading `calibration.convergedAtMs`. */
  startMs: number;
  /** Camera frames BADAS scored, and those it could not (no GPS speed near their time). */
  frames: { scored: number; skipped: number };
}

/** One camera frame of a replay: its sensor time and the lead as perception measured it. */
export interface ReplayFrame {
  tMs: number;
  lead: FrameKinematics;
}

/** Unix seconds below this are relative times (1e9 s is September 2001, before any log). */
const RELATIVE_T_BELOW_S = 1e9;

/**
 * Frames from the `edge badas` kinematics CSV, on the GPS log's clock. `t` in Unix seconds is
 * used as is; relative `t` (seconds from the recording's start) is counted from the first GPS
 * fix. Only the lead columns are taken: on the camera the ego speed and acceleration come from
 * its own GPS and IMU, and so they do in replay.
 *
 * @throws EdgeError `BAD_CSV` naming the line
 */
export function parseFramesCsv(csv: string, firstGpsMs: number): ReplayFrame[] {
  let rows: ReturnType<typeof parseKinematicsCsv>;
  try {
    rows = parseKinematicsCsv(csv);
  } catch (err) {
    throw new EdgeError('BAD_CSV', `frames log: ${(err as Error).message}`);
  }
  const relative = (rows[0]?.frame.tS ?? 0) < RELATIVE_T_BELOW_S;
  const offsetMs = relative ? firstGpsMs : 0;
  return rows.map(({ frame }) => {
    const lead: FrameKinematics = {};
    if (frame.leadGapM !== undefined) lead.leadGapM = frame.leadGapM;
    if (frame.leadClosingMps !== undefined) lead.leadClosingMps = frame.leadClosingMps;
    return { tMs: offsetMs + Math.round(frame.tS * 1000), lead };
  });
}

/** The default seed: replays are reproducible unless the user asks otherwise. */
export const DEFAULT_REPLAY_SEED = 'dashnet-edge-replay';

/**
 * Runs the camera pipeline on recorded logs and returns the `POST /v1/telemetry` bodies it
 * would send, in order. Pure: the same input gives the same bytes on Node and on QuickJS.
 * Consent is taken as given (the user is replaying their own log).
 *
 * @throws EdgeError `BAD_CSV` / `BAD_TIME` for unreadable logs
 */
export function replayLogs(input: ReplayInput): string[] {
  const gps = parseGpsCsv(input.gpsCsv);
  const imu = input.imuCsv === undefined ? [] : parseImuCsv(input.imuCsv);
  let badas: ReplayBadas | undefined;
  if (input.framesCsv !== undefined) {
    if (!input.badasModel) throw new EdgeError('BAD_ARGUMENT', 'a frames log needs the BADAS model bytes');
    const firstGpsMs = gps.reduce((lo, x) => Math.min(lo, x.tMs), Number.POSITIVE_INFINITY);
    badas = { model: input.badasModel, frames: parseFramesCsv(input.framesCsv, firstGpsMs) };
  } else if (input.badasModel) badas = { model: input.badasModel, frames: [] };
  return replaySamples(
    gps,
    imu,
    input.homes ?? [],
    input.seed ?? DEFAULT_REPLAY_SEED,
    input.recorder,
    input.onSummary,
    badas,
  );
}

/** BADAS in a replay: the model and the frames to feed it. */
export interface ReplayBadas {
  model: Uint8Array;
  frames: ReplayFrame[];
}

/** {@link replayLogs} on parsed samples (bench and tests skip the CSV step). */
export function replaySamples(
  gps: GpsFix[],
  imu: ImuSample[],
  homes: DeclaredPlace[],
  seed: string,
  recorder?: LocalRecorder,
  onSummary?: (summary: ReplaySummary) => void,
  badas?: ReplayBadas,
): string[] {
  const detected: Record<string, number> = {};
  const storage = new MemoryStorage();
  const platform: EdgePlatform = {
    clock: new ManualClock(),
    random: createSeededRandom(seed),
    storage,
    logger: silentLogger,
  };
  if (badas) platform.badasModel = badas.model;
  const pipeline = new EdgePipeline(
    platform,
    {
      ...DEFAULT_EDGE_CONFIG,
      networkSharing: true,
      declaredPlaces: homes,
      // Replay keeps everything: the output file is the queue.
      queue: { maxBatches: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER },
    },
    recorder,
    { detected: (e) => (detected[e.type] = (detected[e.type] ?? 0) + 1) },
  );
  // Logs are usually in time order; a stable sort repairs the rest without reordering ties.
  const g = isSorted(gps) ? gps : stableSortByTime(gps);
  const m = isSorted(imu) ? imu : stableSortByTime(imu);
  const f = badas ? (isSorted(badas.frames) ? badas.frames : stableSortByTime(badas.frames)) : [];
  let i = 0;
  let j = 0;
  let k = 0;
  // Merged by time; at equal times GPS, then IMU, then the frame (which uses both).
  while (i < g.length || j < m.length || k < f.length) {
    const gi = g[i];
    const mj = m[j];
    const fk = f[k];
    const tG = gi?.tMs ?? Number.POSITIVE_INFINITY;
    const tM = mj?.tMs ?? Number.POSITIVE_INFINITY;
    const tF = fk?.tMs ?? Number.POSITIVE_INFINITY;
    if (gi && tG <= tM && tG <= tF) {
      pipeline.pushGps(gi);
      i++;
    } else if (mj && tM <= tF) {
      pipeline.pushImu(mj);
      j++;
    } else if (fk) {
      pipeline.pushFrame(fk.tMs, fk.lead);
      k++;
    }
  }
  pipeline.finish();
  onSummary?.({
    detected,
    unlocated: pipeline.stats.unlocated,
    calibration: pipeline.calibration.state,
    startMs: Math.min(g[0]?.tMs ?? Number.POSITIVE_INFINITY, m[0]?.tMs ?? Number.POSITIVE_INFINITY),
    frames: { scored: pipeline.stats.frames, skipped: pipeline.stats.framesSkipped },
  });
  return pipeline.queue.bodies();
}

function isSorted(xs: { tMs: number }[]): boolean {
  for (let i = 1; i < xs.length; i++)
    if ((xs[i] as { tMs: number }).tMs < (xs[i - 1] as { tMs: number }).tMs) return false;
  return true;
}

function stableSortByTime<T extends { tMs: number }>(xs: T[]): T[] {
  return xs
    .map((x, i) => ({ x, i }))
    .sort((a, b) => a.x.tMs - b.x.tMs || a.i - b.i)
    .map((p) => p.x);
}
