import type { DetectedEvent } from '../../edge/detectors/detectedEvent.ts';
import {
  DEFAULT_ROAD_ANOMALY,
  type RoadAnomalyConfig,
  RoadAnomalyDetector,
} from '../../edge/detectors/roadAnomaly.ts';
import { DEFAULT_EDGE_CONFIG } from '../../edge/edgeConfig.ts';
import type { VehicleSample } from '../../edge/sensors/mountCalibration.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import { runDrive } from '../../edge/testing/runDrive.ts';
import { type CmuDrive, cmuFiles, loadCmuDrive } from './cmuDrives.ts';
import { decimate, GONZALEZ_RATE_HZ, type GonzalezClip, gonzalezFold } from './gonzalez2017.ts';
import { juniorTrips, loadJuniorTrip } from './junior2017.ts';

/**
 * How the road-anomaly detector is judged on real recordings, and the plain baseline it must
 * beat. Shared by `test/real/roadAnomaly.real.test.ts` and `bench/realAnomalyBench.ts` so
 * the asserted and the reported figures are the same computation.
 */

const G_MPS2 = 9.80665;

/** The plain detector: "|a| − median > 0.25 g". */
export const BASELINE_THRESHOLD_MPS2 = 0.25 * G_MPS2;

/** Both detectors report at most once per this time (the camera's own refractory). */
export const REFRACTORY_MS = DEFAULT_ROAD_ANOMALY.refractoryMs;

/**
 * A passenger presses *after* feeling the impact: a detection matches a press when it falls
 * in [press − 3 s, press + 1 s] (reaction time up to 3 s; 1 s for the two phones' clocks and
 * the press landing just before the logged sample).
 */
export const PRESS_BEFORE_MS = 3000;
export const PRESS_AFTER_MS = 1000;

/** Detection figures against passenger presses. */
export interface PressScore {
  presses: number;
  pressesFound: number;
  detections: number;
  detectionsMatched: number;
  km: number;
}

/** Recall of presses. */
export const pressRecall = (s: PressScore): number => s.pressesFound / Math.max(1, s.presses);
/** Share of detections that match a press. */
export const pressPrecision = (s: PressScore): number => s.detectionsMatched / Math.max(1, s.detections);
/** Detections matching no press, per km driven. */
export const unmatchedPerKm = (s: PressScore): number =>
  (s.detections - s.detectionsMatched) / Math.max(1e-9, s.km);

/** Scores detection times against press times. */
export function scorePresses(
  detectionsMs: readonly number[],
  pressesMs: readonly number[],
  km: number,
): PressScore {
  const near = (d: number, p: number) => d >= p - PRESS_BEFORE_MS && d <= p + PRESS_AFTER_MS;
  return {
    presses: pressesMs.length,
    pressesFound: pressesMs.filter((p) => detectionsMs.some((d) => near(d, p))).length,
    detections: detectionsMs.length,
    detectionsMatched: detectionsMs.filter((d) => pressesMs.some((p) => near(d, p))).length,
    km,
  };
}

/** Sums scores over drives. */
export function addPressScores(a: PressScore, b: PressScore): PressScore {
  return {
    presses: a.presses + b.presses,
    pressesFound: a.pressesFound + b.pressesFound,
    detections: a.detections + b.detections,
    detectionsMatched: a.detectionsMatched + b.detectionsMatched,
    km: a.km + b.km,
  };
}

const EMPTY_SCORE: PressScore = { presses: 0, pressesFound: 0, detections: 0, detectionsMatched: 0, km: 0 };

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/**
 * The baseline on a drive: ‖a‖ of the raw accelerometer (gravity included, any axes) minus its
 * median over the whole drive, above 0.25 g, once per refractory period.
 */
export function baselineDetections(imu: readonly ImuSample[]): number[] {
  const mags = imu.map((s) => Math.sqrt(s.ax * s.ax + s.ay * s.ay + s.az * s.az));
  const med = median(mags);
  const out: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  imu.forEach((s, i) => {
    if ((mags[i] as number) - med > BASELINE_THRESHOLD_MPS2 && s.tMs - last >= REFRACTORY_MS) {
      out.push(s.tMs);
      last = s.tMs;
    }
  });
  return out;
}

/** Distance along the GPS track; a step over 100 m between fixes is a jump, not driving. */
export function trackKm(gps: readonly GpsFix[]): number {
  let m = 0;
  for (let i = 1; i < gps.length; i++) {
    const a = gps[i - 1] as GpsFix;
    const b = gps[i] as GpsFix;
    const dLat = ((b.lat - a.lat) * Math.PI) / 180;
    const dLng = ((b.lng - a.lng) * Math.PI) / 180;
    const h =
      Math.sin(dLat / 2) ** 2 +
      Math.cos((a.lat * Math.PI) / 180) * Math.cos((b.lat * Math.PI) / 180) * Math.sin(dLng / 2) ** 2;
    const step = 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
    if (step < 100) m += step;
  }
  return m / 1000;
}

/** The camera's road-anomaly reports on a drive: the whole pipeline, read from its local record. */
export function cameraDetections(
  drive: CmuDrive,
  config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY,
): number[] {
  const run = runDrive(drive.gps, drive.imu, { ...DEFAULT_EDGE_CONFIG, roadAnomaly: config });
  return run.detected.filter((e) => e.type === 'road_anomaly').map((e) => e.tMs);
}

/** Detector and baseline scores on a set of CMU drives. */
export interface DrivesEvaluation {
  files: string[];
  detector: PressScore;
  baseline: PressScore;
}

/** Loads the CMU sensor files whose path passes `pick` and scores both detectors on them. */
export function evaluateCmu(
  root: string,
  pick: (file: string) => boolean,
  config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY,
): DrivesEvaluation {
  const files = cmuFiles(root)
    .map((f) => f.file)
    .filter(pick);
  let detector = EMPTY_SCORE;
  let baseline = EMPTY_SCORE;
  for (const file of files) {
    const drive = loadCmuDrive(root, file);
    const km = trackKm(drive.gps);
    detector = addPressScores(
      detector,
      scorePresses(cameraDetections(drive, config), drive.potholePressesMs, km),
    );
    baseline = addPressScores(
      baseline,
      scorePresses(baselineDetections(drive.imu), drive.potholePressesMs, km),
    );
  }
  return { files, detector, baseline };
}

/** The five pothole laps of 2017-04-19 (5 Hz, passenger presses). */
export const isPotholeRoute = (file: string): boolean => /^Routes\/r\d_sensors/.test(file);
/** The first app version's drives (1 Hz, no gyro, presses). */
export const isOneHertzTrip = (file: string): boolean => /^trip\d_02-22-17_sensors/.test(file);
/** File-level good-road recordings. */
export const isGoodRoad = (file: string): boolean => /\/good\d+_sensors/.test(file);
/** File-level bad-road recordings. */
export const isBadRoad = (file: string): boolean => /\/bad\d+_sensors/.test(file);

/** Figures on the labelled clips for one detector. */
export interface ClipScore {
  anomalyClips: number;
  anomalyClipsFound: number;
  roadClips: number;
  roadClipsFlagged: number;
  /** Detected anomaly clips whose kind (pothole vs bump) was right. */
  kindRight: number;
  /** Detected anomaly clips that are bumps: what "always say bump" would get right. */
  bumpsFound: number;
  /** Detected pothole clips called potholes (the hazard map drops bumps, so this matters most). */
  potholesRight: number;
}

/** Anomaly clips (pothole, asphalt and metal bump) with at least one report. */
export const clipRecall = (s: ClipScore): number => s.anomalyClipsFound / Math.max(1, s.anomalyClips);
/** Regular and worn-road clips with at least one report. */
export const clipFalseRate = (s: ClipScore): number => s.roadClipsFlagged / Math.max(1, s.roadClips);
/** Pothole-vs-bump accuracy on the detected anomaly clips. */
export const kindAccuracy = (s: ClipScore): number => s.kindRight / Math.max(1, s.anomalyClipsFound);
/**
 * Mean of the per-class rates (potholes called potholes, bumps called bumps) on the detected
 * clips: unlike plain accuracy, "always bump" scores 0.5 here.
 */
export const balancedKindAccuracy = (s: ClipScore): number => {
  const potholesFound = s.anomalyClipsFound - s.bumpsFound;
  const bumpsRight = s.kindRight - s.potholesRight;
  return (s.potholesRight / Math.max(1, potholesFound) + bumpsRight / Math.max(1, s.bumpsFound)) / 2;
};
/** The accuracy of always answering "bump" on the same detected clips (the majority class). */
export const majorityKindAccuracy = (s: ClipScore): number => s.bumpsFound / Math.max(1, s.anomalyClipsFound);

const isAnomaly = (c: GonzalezClip): boolean => c.cls !== 'regular_road' && c.cls !== 'worn_out_road';

/**
 * The detector on one clip. The clip has no GPS: speed is unknown, so the detector falls back
 * to its reference urban speed. The vertical is the phone's z minus standard gravity (the
 * loose phone's z is only roughly vertical; the detector measures swings, so the offset does
 * not matter). The strongest report decides the clip's kind.
 */
export function detectorOnClip(
  zMps2: readonly number[],
  rateHz: number,
  config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY,
): Extract<DetectedEvent, { type: 'road_anomaly' }> | undefined {
  const d = new RoadAnomalyDetector(config);
  const events: DetectedEvent[] = [];
  zMps2.forEach((z, i) => {
    const s = { tMs: Math.round((i * 1000) / rateHz), vertMps2: z - G_MPS2, horizMps2: 0 } as VehicleSample;
    events.push(...d.onImu(s));
  });
  events.push(...d.flush());
  let best: Extract<DetectedEvent, { type: 'road_anomaly' }> | undefined;
  for (const e of events) if (e.type === 'road_anomaly' && (!best || e.severity > best.severity)) best = e;
  return best;
}

/**
 * The baseline on one clip: z minus the clip's median (the whole clip, future included —
 * an advantage the causal detector does not get) above 0.25 g. Its kind is the textbook rule
 * the old detector used: the first excursion beyond 0.125 g in the 0.5 s before the trigger
 * going down is a pothole, up a bump.
 */
export function baselineOnClip(
  zMps2: readonly number[],
  rateHz: number,
): { kind: 'pothole' | 'bump' } | undefined {
  const med = median(zMps2);
  const hit = zMps2.findIndex((z) => Math.abs(z) - med > BASELINE_THRESHOLD_MPS2);
  if (hit < 0) return undefined;
  let sign = 1;
  for (let j = Math.max(0, hit - Math.round(0.5 * rateHz)); j <= hit; j++) {
    const d = (zMps2[j] as number) - med;
    if (Math.abs(d) > BASELINE_THRESHOLD_MPS2 / 2) {
      sign = Math.sign(d);
      break;
    }
  }
  return { kind: sign < 0 ? 'pothole' : 'bump' };
}

/** Detector and baseline figures on the clips at one rate. */
export interface ClipsEvaluation {
  rateHz: number;
  detector: ClipScore;
  baseline: ClipScore;
}

/**
 * Scores both detectors on the clips decimated to `rateHz` (50 Hz / integer). Every decimation
 * phase is a separate trial (a 5 Hz sensor's snapshots fall anywhere relative to the event),
 * so each clip counts `factor` times. `fold` restricts to one held-out half (see
 * {@link gonzalezFold}).
 */
export function evaluateClips(
  clips: readonly GonzalezClip[],
  rateHz: number,
  fold?: 0 | 1,
  config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY,
): ClipsEvaluation {
  const factor = Math.round(GONZALEZ_RATE_HZ / rateHz);
  const empty = (): ClipScore => ({
    anomalyClips: 0,
    anomalyClipsFound: 0,
    roadClips: 0,
    roadClipsFlagged: 0,
    kindRight: 0,
    bumpsFound: 0,
    potholesRight: 0,
  });
  const detector = empty();
  const baseline = empty();
  for (const clip of clips) {
    if (fold !== undefined && gonzalezFold(clip) !== fold) continue;
    const truthKind = clip.cls === 'potholes' ? 'pothole' : 'bump';
    for (let phase = 0; phase < factor; phase++) {
      const z = decimate(clip.zMps2, factor, phase);
      const pairs: [ClipScore, { kind: 'pothole' | 'bump' } | undefined][] = [
        [detector, detectorOnClip(z, rateHz, config)],
        [baseline, baselineOnClip(z, rateHz)],
      ];
      for (const [score, found] of pairs) {
        if (isAnomaly(clip)) {
          score.anomalyClips++;
          if (found) {
            score.anomalyClipsFound++;
            if (found.kind === truthKind) score.kindRight++;
            if (truthKind === 'bump') score.bumpsFound++;
            else if (found.kind === 'pothole') score.potholesRight++;
          }
        } else {
          score.roadClips++;
          if (found) score.roadClipsFlagged++;
        }
      }
    }
  }
  return { rateHz, detector, baseline };
}

/**
 * The detector's two main thresholds on a coarse grid around the defaults: the swing floor and
 * the rough-road multiple. Cross-validation re-chooses them on training data only, to show
 * what the choice is worth on data it did not see.
 */
export const THRESHOLD_GRID: readonly RoadAnomalyConfig[] = [3.5, 4, 4.5].flatMap((thresholdP2pMps2) =>
  [3, 4, 5].map((noiseMultiple) => ({ ...DEFAULT_ROAD_ANOMALY, thresholdP2pMps2, noiseMultiple })),
);

const f1 = (s: PressScore): number => {
  const p = pressPrecision(s);
  const r = pressRecall(s);
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
};

/**
 * Leave-one-drive-out on the pothole laps: for each lap, the grid point with the best F1 on the
 * other laps is scored on it; the held-out scores are summed. Returns the sum and the chosen
 * thresholds per lap.
 */
export function crossValidateRoutes(
  root: string,
  grid: readonly RoadAnomalyConfig[] = THRESHOLD_GRID,
): { detector: PressScore; chosen: string[] } {
  const files = cmuFiles(root)
    .map((f) => f.file)
    .filter(isPotholeRoute);
  const drives = files.map((file) => loadCmuDrive(root, file));
  const scores = grid.map((config) =>
    drives.map((d) => scorePresses(cameraDetections(d, config), d.potholePressesMs, trackKm(d.gps))),
  );
  let detector = EMPTY_SCORE;
  const chosen: string[] = [];
  drives.forEach((_, held) => {
    let best = 0;
    let bestF1 = Number.NEGATIVE_INFINITY;
    scores.forEach((perDrive, g) => {
      const train = perDrive.filter((_, i) => i !== held).reduce(addPressScores, EMPTY_SCORE);
      if (f1(train) > bestF1) {
        bestF1 = f1(train);
        best = g;
      }
    });
    const c = grid[best] as RoadAnomalyConfig;
    chosen.push(`${c.thresholdP2pMps2}/${c.noiseMultiple}`);
    detector = addPressScores(detector, scores[best]?.[held] as PressScore);
  });
  return { detector, chosen };
}

/**
 * Two-fold cross-validation on the clips at one rate: the grid point with the best
 * recall − false rate on one half is scored on the other, and the two held-out scores summed.
 */
export function crossValidateClips(
  clips: readonly GonzalezClip[],
  rateHz: number,
  grid: readonly RoadAnomalyConfig[] = THRESHOLD_GRID,
): { detector: ClipScore; chosen: string[] } {
  const perFold = ([0, 1] as const).map((fold) =>
    grid.map((config) => evaluateClips(clips, rateHz, fold, config).detector),
  );
  const sum: ClipScore = {
    anomalyClips: 0,
    anomalyClipsFound: 0,
    roadClips: 0,
    roadClipsFlagged: 0,
    kindRight: 0,
    bumpsFound: 0,
    potholesRight: 0,
  };
  const chosen: string[] = [];
  for (const held of [0, 1] as const) {
    const train = perFold[1 - held] as ClipScore[];
    let best = 0;
    train.forEach((s, g) => {
      const j = clipRecall(s) - clipFalseRate(s);
      const b = train[best] as ClipScore;
      if (j > clipRecall(b) - clipFalseRate(b)) best = g;
    });
    const c = grid[best] as RoadAnomalyConfig;
    chosen.push(`${c.thresholdP2pMps2}/${c.noiseMultiple}`);
    const s = perFold[held]?.[best] as ClipScore;
    sum.anomalyClips += s.anomalyClips;
    sum.anomalyClipsFound += s.anomalyClipsFound;
    sum.roadClips += s.roadClips;
    sum.roadClipsFlagged += s.roadClipsFlagged;
    sum.kindRight += s.kindRight;
    sum.bumpsFound += s.bumpsFound;
    sum.potholesRight += s.potholesRight;
  }
  return { detector: sum, chosen };
}

/** Reports inside labelled manoeuvres, for the detector and the baseline. */
export interface ManoeuvreReports {
  manoeuvres: number;
  minutes: number;
  detector: { inManoeuvres: number; total: number };
  baseline: { inManoeuvres: number; total: number };
}

/**
 * False alarms on data no threshold was chosen on: the three trips of Ferreira Júnior et al.
 * (2017), a windshield phone at ~50 Hz with labelled hard brakes, accelerations, turns and
 * lane changes. None of those is a road anomaly, so a report within 1 s of one is false. The
 * trips have no GPS: the detector runs on the vertical (z − g) at its reference speed, the
 * baseline on ‖a‖. Unlabelled stretches may hold real bumps, so only the labelled windows
 * are judged.
 */
export function evaluateManoeuvreReports(root: string): ManoeuvreReports {
  const out: ManoeuvreReports = {
    manoeuvres: 0,
    minutes: 0,
    detector: { inManoeuvres: 0, total: 0 },
    baseline: { inManoeuvres: 0, total: 0 },
  };
  for (const trip of juniorTrips(root)) {
    const t = loadJuniorTrip(root, trip);
    const windows = t.labels.map((l) => [t.t0Ms + l.startS * 1000 - 1000, t.t0Ms + l.endS * 1000 + 1000]);
    const inside = (tMs: number) => windows.some(([a, b]) => tMs >= (a as number) && tMs <= (b as number));
    const d = new RoadAnomalyDetector();
    const found: number[] = [];
    for (const s of t.imu) {
      const sample = {
        tMs: s.tMs,
        vertMps2: s.az - G_MPS2,
        horizMps2: Math.hypot(s.ax, s.ay),
      } as VehicleSample;
      for (const e of d.onImu(sample)) found.push(e.tMs);
    }
    for (const e of d.flush()) found.push(e.tMs);
    const base = baselineDetections(t.imu);
    out.manoeuvres += windows.length;
    out.minutes += ((t.imu.at(-1)?.tMs ?? 0) - (t.imu[0]?.tMs ?? 0)) / 60_000;
    out.detector.total += found.length;
    out.detector.inManoeuvres += found.filter(inside).length;
    out.baseline.total += base.length;
    out.baseline.inManoeuvres += base.filter(inside).length;
  }
  return out;
}
