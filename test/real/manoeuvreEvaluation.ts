import type { DetectedEvent } from '../../edge/detectors/detectedEvent.ts';
import { LowPass } from '../../edge/detectors/detectedEvent.ts';
import { GpsFilter } from '../../edge/sensors/gpsFilter.ts';
import { GpsKinematics } from '../../edge/sensors/gpsKinematics.ts';
import { MountCalibration } from '../../edge/sensors/mountCalibration.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
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

/** What {@link evaluateGpsBrakes} measured. */
export interface GpsBrakeEvaluation {
  fallback: Score;
  baseline: Score;
  /** Reference stops: ≥ 0.3 g sustained, by the calibrated IMU. */
  stops: number;
  hours: number;
}

/**
 * The GPS-only fallback on real 1 Hz receiver speed (the CMU drives' CoreLocation speed). The
 * reference is the same drive's calibrated IMU: a stop is a longitudinal deceleration ≥ 3 m/s²
 * (≈ 0.3 g) on a 1 s low-pass, held ≥ 1 s, from above 5 m/s — what a car's wheel-speed signal
 * would call a 0.3 g stop. A GPS report is right when it falls within 4 s of an IMU braking
 * episode of ≥ 2 m/s² (a real, firm brake), false otherwise. The plain baseline is what the
 * camera did before: 1 s speed differences ≥ 3 m/s² (0.3 g) held 1.5 s.
 */
export function evaluateGpsBrakes(root: string): GpsBrakeEvaluation {
  let fallback = ZERO;
  let baseline = ZERO;
  let stops = 0;
  let hours = 0;
  for (const f of cmuFiles(root)) {
    if (f.rateHz < 4 || !f.hasGyro) continue;
    const drive = loadCmuDrive(root, f.file);
    const { episodes, judgedFromMs } = imuBrakeEpisodes(drive.gps, drive.imu);
    const hard = episodes.filter((e) => e.peakMps2 >= 3 && e.durationMs >= 1000 && e.speedMps > 5);
    const firm = episodes.filter((e) => e.peakMps2 >= 2);
    stops += hard.length;
    hours += ((drive.gps.at(-1)?.tMs ?? 0) - (drive.gps[0]?.tMs ?? 0)) / 3_600_000;
    // Before the reference calibration converged, the IMU cannot judge a report.
    const judged = (t: number) => t >= judgedFromMs;
    const reports = runDetectors(drive.gps, [])
      .detections.filter((d) => d.type === 'hard_brake')
      .map((d) => d.tMs)
      .filter(judged);
    fallback = add(fallback, matchEpisodes(reports, hard, firm));
    baseline = add(baseline, matchEpisodes(plainGpsBrakes(drive.gps).filter(judged), hard, firm));
  }
  return { fallback, baseline, stops, hours };
}

interface ImuEpisode {
  startMs: number;
  endMs: number;
  peakMps2: number;
  durationMs: number;
  speedMps: number;
}

/** Recall against hard stops; precision against any firm brake. */
function matchEpisodes(
  reports: readonly number[],
  hard: readonly ImuEpisode[],
  firm: readonly ImuEpisode[],
): Score {
  const near = (t: number, e: ImuEpisode) => t >= e.startMs - 4000 && t <= e.endMs + 4000;
  const found = hard.filter((e) => reports.some((t) => near(t, e))).length;
  const falsePositives = reports.filter((t) => !firm.some((e) => near(t, e))).length;
  return { truePositives: found, falsePositives, falseNegatives: hard.length - found };
}

/** Braking episodes on the calibrated IMU's longitudinal axis, 1 s low-pass, above 1.5 m/s². */
function imuBrakeEpisodes(
  gps: readonly GpsFix[],
  imu: readonly ImuSample[],
): { episodes: ImuEpisode[]; judgedFromMs: number } {
  const calibration = new MountCalibration();
  const filter = new GpsFilter();
  const kinematics = new GpsKinematics();
  const lp = new LowPass(1000);
  const out: ImuEpisode[] = [];
  let open: ImuEpisode | undefined;
  let judgedFromMs = Number.POSITIVE_INFINITY;
  let speedMps = 0;
  let i = 0;
  let j = 0;
  while (i < gps.length || j < imu.length) {
    const g = gps[i];
    const m = imu[j];
    if (g && (!m || g.tMs <= m.tMs)) {
      const fix = filter.push(g);
      if (fix) {
        speedMps = fix.speedMps;
        const motion = kinematics.push(fix);
        if (motion) calibration.updateGps(motion);
      }
      i++;
      continue;
    }
    const s = m as ImuSample;
    j++;
    const v = calibration.updateImu(s);
    if (!v?.forwardReady) continue;
    judgedFromMs = Math.min(judgedFromMs, s.tMs + 2000);
    const decel = -lp.update(s.tMs, v.longMps2);
    if (decel >= 1.5) {
      open ??= { startMs: s.tMs, endMs: s.tMs, peakMps2: decel, durationMs: 0, speedMps };
      open.endMs = s.tMs;
      open.peakMps2 = Math.max(open.peakMps2, decel);
      if (decel >= 3) open.durationMs += 200;
    } else if (open) {
      out.push(open);
      open = undefined;
    }
  }
  return { episodes: out, judgedFromMs };
}

/** 1 s GPS speed differences ≥ 3 m/s² held 1.5 s, once per 3 s. */
function plainGpsBrakes(gps: readonly GpsFix[]): number[] {
  const out: number[] = [];
  let since: number | undefined;
  let last = Number.NEGATIVE_INFINITY;
  for (let k = 1; k < gps.length; k++) {
    const a = gps[k - 1] as GpsFix;
    const b = gps[k] as GpsFix;
    const dtS = (b.tMs - a.tMs) / 1000;
    if (a.speedMps === undefined || b.speedMps === undefined || dtS <= 0 || dtS > 3) {
      since = undefined;
      continue;
    }
    if ((a.speedMps - b.speedMps) / dtS >= 3) {
      since ??= a.tMs;
      if (b.tMs - since >= 1500 && since - last >= 3000) {
        out.push(since);
        last = since;
      }
    } else since = undefined;
  }
  return out;
}
