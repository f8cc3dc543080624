import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { createSeededRandom } from '../core/random.ts';
import { MemoryStorage } from '../core/storage.ts';
import { DEFAULT_EDGE_CONFIG, type EdgeConfig } from '../edgeConfig.ts';
import { EdgePipeline } from '../pipeline.ts';
import type { LocatedEvent } from '../privacy/redactor.ts';
import type { GpsFix, ImuSample } from '../sensors/samples.ts';
import type { TruthEvent } from './syntheticDrive.ts';

/** The outcome of running a drive through a pipeline. */
export interface DriveRun {
  pipeline: EdgePipeline;
  storage: MemoryStorage;
  /** Unredacted detections (the local recorder). */
  detected: LocatedEvent[];
  bodies: string[];
  /** Sensor time at which forward calibration first converged, if it did. */
  forwardReadyAtMs: number | undefined;
}

/** Runs samples, merged by time, through a fresh pipeline on in-memory storage. */
export function runDrive(
  gps: GpsFix[],
  imu: ImuSample[],
  config: Partial<EdgeConfig> = {},
  seed = 'test',
): DriveRun {
  const storage = new MemoryStorage();
  const detected: LocatedEvent[] = [];
  const pipeline = new EdgePipeline(
    { clock: new ManualClock(), random: createSeededRandom(seed), storage, logger: silentLogger },
    { ...DEFAULT_EDGE_CONFIG, networkSharing: true, ...config },
    { record: (e) => detected.push(e) },
  );
  let i = 0;
  let j = 0;
  let forwardReadyAtMs: number | undefined;
  while (i < gps.length || j < imu.length) {
    const g = gps[i];
    const m = imu[j];
    let t: number;
    if (g && (!m || g.tMs <= m.tMs)) {
      pipeline.pushGps(g);
      t = g.tMs;
      i++;
    } else {
      const s = m as ImuSample;
      pipeline.pushImu(s);
      t = s.tMs;
      j++;
    }
    if (forwardReadyAtMs === undefined && pipeline.calibration.forwardReady) forwardReadyAtMs = t;
  }
  pipeline.finish();
  return { pipeline, storage, detected, bodies: pipeline.queue.bodies(), forwardReadyAtMs };
}

/** Precision/recall counts of detections against the truth, matched within `toleranceMs`. */
export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Matches detections of one kind to truth events of that kind (each truth at most once). */
export function score(truth: TruthEvent[], found: { tMs: number }[], toleranceMs = 3000): Score {
  const used = new Set<number>();
  let tp = 0;
  for (const f of found) {
    const k = truth.findIndex((t, idx) => !used.has(idx) && Math.abs(t.tMs - f.tMs) <= toleranceMs);
    if (k >= 0) {
      used.add(k);
      tp++;
    }
  }
  return { truePositives: tp, falsePositives: found.length - tp, falseNegatives: truth.length - tp };
}

/** Sums scores. */
export function addScores(a: Score, b: Score): Score {
  return {
    truePositives: a.truePositives + b.truePositives,
    falsePositives: a.falsePositives + b.falsePositives,
    falseNegatives: a.falseNegatives + b.falseNegatives,
  };
}
