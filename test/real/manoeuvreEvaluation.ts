import type { DetectedEvent } from '../../edge/detectors/detectedEvent.ts';
import { LowPass } from '../../edge/detectors/detectedEvent.ts';
import type { ImuSample } from '../../edge/sensors/samples.ts';
import { cmuFiles, loadCmuDrive } from './cmuDrives.ts';
import { runDetectors } from './detectorRun.ts';
import { type JuniorTrip, juniorTrips, loadJuniorTrip, type Manoeuvre } from './junior2017.ts';
import { decimateImu, mountImu, randomMounts, withoutGyro } from './mounting.ts';

/** Detection counts against labels. */
export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision (1 when nothing was reported). */
export const precisionOf = (s: Score): number =>
  s.truePositives + s.falsePositives === 0 ? 1 : s.truePositives / (s.truePositives + s.falsePositives);
/** Recall (1 when there was nothing to find). */
export const recallOf = (s: Score): number =>
  s.truePositives + s.falseNegatives === 0 ? 1 : s.truePositives / (s.truePositives + s.falseNegatives);

/** A detection (or a baseline's report) placed in time, with a side for corners (+1 left). */
export interface Report {
  tMs: number;
  side?: number;
}

/**
 * A label is found when a report falls within it, widened by this much: labels were read off a
 * video by hand, and a detector reports an episode's start.
 */
const MATCH_SLACK_MS = 1500;

/** Scores reports against labelled windows: one report per window counts, the rest are false. */
export function scoreReports(reports: readonly Report[], labels: readonly Manoeuvre[], t0Ms: number): Score {
  const used = new Set<number>();
  let truePositives = 0;
  let falsePositives = 0;
  for (const r of reports) {
    const i = labels.findIndex(
      (l, k) =>
        !used.has(k) &&
        r.tMs >= t0Ms + l.startS * 1000 - MATCH_SLACK_MS &&
        r.tMs <= t0Ms + l.endS * 1000 + MATCH_SLACK_MS &&
        (r.side === undefined || l.kind !== (r.side > 0 ? 'turn_right' : 'turn_left')),
    );
    if (i >= 0) {
      used.add(i);
      truePositives++;
    } else falsePositives++;
  }
  return { truePositives, falsePositives, falseNegatives: labels.length - used.size };
}

/**
 * The plain threshold a newcomer would write: the accelerometer low-passed (250 ms), minus its
 * long-run mean (gravity, 30 s), reported when its magnitude stays above `thresholdMps2` for
 * `minMs`, at most once per 3 s. It needs no calibration and cannot tell a brake from a turn.
 */
export function plainThreshold(imu: readonly ImuSample[], thresholdMps2: number, minMs: number): Report[] {
  const fast = [new LowPass(250), new LowPass(250), new LowPass(250)];
  const slow = [new LowPass(30_000), new LowPass(30_000), new LowPass(30_000)];
  const out: Report[] = [];
  let since: number | undefined;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const s of imu) {
    const a = [s.ax, s.ay, s.az];
    let m2 = 0;
    for (let k = 0; k < 3; k++) {
      const d =
        (fast[k] as LowPass).update(s.tMs, a[k] as number) -
        (slow[k] as LowPass).update(s.tMs, a[k] as number);
      m2 += d * d;
    }
    if (Math.sqrt(m2) >= thresholdMps2) {
      since ??= s.tMs;
      if (s.tMs - since >= minMs && since - lastMs >= 3000) {
        out.push({ tMs: since });
        lastMs = since;
      }
    } else since = undefined;
  }
  return out;
}

/** Camera and baseline figures for one kind of manoeuvre. */
export interface ManoeuvreFigures {
  detector: Score;
  baseline: Score;
}

/** What {@link evaluateManoeuvres} measured. */
export interface ManoeuvreEvaluation {
  hardBrake: ManoeuvreFigures;
  hardCorner: ManoeuvreFigures;
  runs: number;
}

/** Options of {@link evaluateManoeuvres}. */
export interface ManoeuvreOptions {
  /** Random mountings per trip. */
  mounts: number;
  /** Resample to one snapshot per this period (e.g. 200 for 5 Hz); native ~50 Hz when absent. */
  periodMs?: number;
  gyro?: boolean;
  seed?: string;
}

function add(a: Score, b: Score): Score {
  return {
    truePositives: a.truePositives + b.truePositives,
    falsePositives: a.falsePositives + b.falsePositives,
    falseNegatives: a.falseNegatives + b.falseNegatives,
  };
}

const ZERO: Score = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };

/**
 * Runs the camera on the labelled manoeuvres of Ferreira Júnior et al. (2017), each trip turned
 * into `mounts` random mountings (and optionally a slower sensor), with no GPS (the data set has
 * none), and scores hard brakes against the hard-braking labels and hard corners against the
 * sharp-turn labels (side included). Every other detection counts as false, including those in
 * lane changes and ordinary turns. The plain threshold is scored the same way for each kind.
 */
export function evaluateManoeuvres(root: string, options: ManoeuvreOptions): ManoeuvreEvaluation {
  const trips: JuniorTrip[] = juniorTrips(root).map((t) => loadJuniorTrip(root, t));
  const mounts = randomMounts(options.mounts, options.seed ?? 'manoeuvres');
  let brake = { detector: ZERO, baseline: ZERO };
  let corner = { detector: ZERO, baseline: ZERO };
  let runs = 0;
  for (const trip of trips) {
    const brakes = trip.labels.filter((l) => l.kind === 'hard_brake');
    const turns = trip.labels.filter((l) => l.kind === 'turn_left' || l.kind === 'turn_right');
    for (const mount of mounts) {
      let imu = mountImu(trip.imu, mount);
      if (options.periodMs !== undefined) imu = decimateImu(imu, options.periodMs);
      if (options.gyro === false) imu = withoutGyro(imu);
      const found = runDetectors([], imu).detections;
      const of = (type: DetectedEvent['type']) => found.filter((d) => d.type === type);
      const brakeReports = of('hard_brake').map((d) => ({ tMs: d.tMs }));
      const cornerReports = of('hard_corner').map((d) => ({
        tMs: d.tMs,
        side: d.type === 'hard_corner' ? Math.sign(d.lateralAccelMps2) : 0,
      }));
      const plainBrake = plainThreshold(imu, 2.8, 400);
      const plainCorner = plainThreshold(imu, 2.8, 500);
      brake = {
        detector: add(brake.detector, scoreReports(brakeReports, brakes, trip.t0Ms)),
        baseline: add(brake.baseline, scoreReports(plainBrake, brakes, trip.t0Ms)),
      };
      corner = {
        detector: add(corner.detector, scoreReports(cornerReports, turns, trip.t0Ms)),
        baseline: add(corner.baseline, scoreReports(plainCorner, turns, trip.t0Ms)),
      };
      runs++;
    }
  }
  return { hardBrake: brake, hardCorner: corner, runs };
}

/** Mount calibration on one real drive. */
export interface CalibrationOutcome {
  file: string;
  /** Seconds from the first sample to convergence; `undefined` when it never converged. */
  convergedS: number | undefined;
  yawSigmaDeg: number;
  driveS: number;
}

/**
 * Runs the camera over the CMU iPhone drives (5 Hz, device axes, GPS; Bhatt et al. 2017) in
 * `mounts` random mountings and reports when the mount calibration converged. The 1 Hz drives of
 * the app's first version are left out: 1 Hz is below the 5–200 Hz the camera supports.
 */
export function evaluateCalibration(root: string, mounts: number, gyro = true): CalibrationOutcome[] {
  const out: CalibrationOutcome[] = [];
  const rotations = randomMounts(mounts, 'calibration');
  for (const f of cmuFiles(root)) {
    if (f.rateHz < 4) continue;
    const drive = loadCmuDrive(root, f.file);
    const start = drive.imu[0]?.tMs ?? 0;
    const end = drive.imu.at(-1)?.tMs ?? start;
    for (const r of rotations) {
      let imu = mountImu(drive.imu, r);
      if (!gyro) imu = withoutGyro(imu);
      const run = runDetectors(drive.gps, imu);
      const at = run.calibration.convergedAtMs;
      out.push({
        file: f.file,
        convergedS: at === undefined ? undefined : (at - start) / 1000,
        yawSigmaDeg: run.calibration.yawSigmaDeg,
        driveS: (end - start) / 1000,
      });
    }
  }
  return out;
}
