import { ManualClock } from './core/clock.ts';
import { silentLogger } from './core/logger.ts';
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
  return replaySamples(
    gps,
    imu,
    input.homes ?? [],
    input.seed ?? DEFAULT_REPLAY_SEED,
    input.recorder,
    input.onSummary,
  );
}

/** {@link replayLogs} on parsed samples (bench and tests skip the CSV step). */
export function replaySamples(
  gps: GpsFix[],
  imu: ImuSample[],
  homes: DeclaredPlace[],
  seed: string,
  recorder?: LocalRecorder,
  onSummary?: (summary: ReplaySummary) => void,
): string[] {
  const detected: Record<string, number> = {};
  const storage = new MemoryStorage();
  const pipeline = new EdgePipeline(
    { clock: new ManualClock(), random: createSeededRandom(seed), storage, logger: silentLogger },
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
  let i = 0;
  let j = 0;
  while (i < g.length || j < m.length) {
    const gi = g[i];
    const mj = m[j];
    if (gi && (!mj || gi.tMs <= mj.tMs)) {
      pipeline.pushGps(gi);
      i++;
    } else if (mj) {
      pipeline.pushImu(mj);
      j++;
    }
  }
  pipeline.finish();
  onSummary?.({
    detected,
    unlocated: pipeline.stats.unlocated,
    calibration: pipeline.calibration.state,
    startMs: Math.min(g[0]?.tMs ?? Number.POSITIVE_INFINITY, m[0]?.tMs ?? Number.POSITIVE_INFINITY),
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
