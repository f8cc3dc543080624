import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { DetectedEvent } from './detectedEvent.ts';

const G = 9.80665;

/** Thresholds of {@link RoadAnomalyDetector}. */
export interface RoadAnomalyConfig {
  /**
   * Peak-to-peak vertical acceleration over {@link windowMs} that makes a candidate, at the
   * reference speed on a smooth road: 4 m/s² (0.41 g). A wheel dropping into a pothole and
   * striking its far edge swings the cabin's vertical specific force down *and* up within a
   * few tenths of a second; measuring the swing (max − min) instead of the level removes any
   * gravity or mounting offset and is nearly rate-independent (a 5 Hz snapshot still sees one
   * leg of the swing against its neighbours). On the labelled clips of Gonzalez et al. (2017)
   * the best swing threshold against smooth and worn road was 3.8–5.1 m/s² at every rate from
   * 5 to 50 Hz; on the CMU iPhone drives (Bhatt et al. 2017, 5 Hz) 4 m/s² at 8 m/s kept good
   * roads under 0.3 reports/km. Chosen on a coarse grid over both sets (see
   * bench/realAnomalyBench.ts for the per-fold figures), not tuned per file.
   */
  thresholdP2pMps2: number;
  /** The swing is measured over this span: one wheel's drop and strike take ≤ 0.3 s at urban speeds. */
  windowMs: number;
  /**
   * …and over at least this many sample intervals, so a 1–5 Hz sensor compares a sample with
   * its two predecessors (a strike caught by one snapshot against the dip or the level before).
   */
  minWindowIntervals: number;
  /**
   * Rough-road suppression: the threshold is at least this many times the running median
   * swing. A worn road raises the median swing, and each of its cracks must then stand out
   * from the road's own texture rather than from a smooth road's (4× the median swing is
   * beyond what the texture itself reaches in seconds; on the CMU bad-road files it halves
   * the reports per km while potholes on ordinary streets keep their bar at the floor).
   */
  noiseMultiple: number;
  /** Starting value of the running median swing before any road has been seen: a smooth road. */
  initialNoiseP2pMps2: number;
  /**
   * Time constant of the running median: one event (≤ 1 s) moves it by ≤ 10 %, while a change
   * of surface is learnt within 10–20 s (100–200 m in town).
   */
  noiseTauMs: number;
  /**
   * Speed the threshold refers to, and the speed assumed when none is known (clips without
   * GPS, GPS lost): 8 m/s ≈ 30 km/h, a typical urban speed.
   */
  referenceSpeedMps: number;
  /**
   * Exponent of the speed normalisation: the threshold is scaled by (v / v_ref)^exponent. The
   * cabin's response to one defect grows with speed, but less than linearly (the suspension
   * filters the faster, sharper input), and road texture grows with it too; √v keeps slow
   * streets sensitive and fast roads quiet. On the CMU laps 0.5 found more pressed potholes
   * than 0 at the same false reports per km.
   */
  speedExponent: number;
  /** Lower clamp of the speed factor, so that creeping cannot lower the bar to the noise. */
  minSpeedFactor: number;
  /** Upper clamp of the speed factor, so that a GPS speed spike cannot silence the detector. */
  maxSpeedFactor: number;
  /** Below ~7 km/h vertical swings are kerbs, doors, parking manoeuvres: not road anomalies. */
  minSpeedMps: number;
  /**
   * A candidate stays open while the swing is above this fraction of the threshold: a loose
   * phone rattles at half the threshold for seconds after a hit, and a lower hold level would
   * glue the hit to that rattle until it looks like rough road.
   */
  holdFraction: number;
  /** A candidate closes after this long below the hold level (both axles pass within ~0.3 s). */
  quietMs: number;
  /** A swing longer than this is a slope change or a stretch of rough road, not a point anomaly. */
  maxDurationMs: number;
  /** One report per this time: the rear axle meets the same pothole, the cabin rings after it. */
  refractoryMs: number;
  /**
   * A bump lifts the car from the front wheels' climb to the rear wheels' descent: hump
   * length (3.5–4 m) plus wheelbase (~2.7 m) ≈ 6 m of travel, while a pothole's two axle hits
   * span the wheelbase plus ≤ 1 m. An event whose large excursion lasts over this *distance*
   * (duration × speed, the reference speed when unknown) is a bump. 5 m, between the two, also
   * gave the best balanced accuracy on one half of the labelled clips (checked on the other).
   */
  bumpMinLengthM: number;
  /**
   * The length test needs the event's duration to measure geometry, not the suspension: the
   * cabin's own response to any hit lasts ~0.25 s. Above this speed the wheelbase passes in less
   * than that (2.7 m / 11 m/s), every hit looks 5 m long, and only the signature
   * ({@link potholeMinUpShare}) tells a pothole from a bump. (Found when the simulated fleet
   * called every pothole taken at 15–18 m/s a bump.)
   */
  maxLengthTestSpeedMps: number;
  /**
   * The far edge of a pothole throws the wheel up hard, so a pothole's upward excursion
   * dominates its swing; an event whose upward share (up / (up + down)) is below this is
   * a bump's landing, not a pothole's strike (0.55 rather than an even 0.5: chosen on one half
   * of the labelled clips, checked on the other).
   */
  potholeMinUpShare: number;
  /** Severity 1 at this swing at the reference speed (2 g: a wheel-damaging pothole). */
  fullSeverityP2pMps2: number;
}

/** Defaults; see the field comments for their sources. */
export const DEFAULT_ROAD_ANOMALY: RoadAnomalyConfig = {
  thresholdP2pMps2: 4,
  windowMs: 300,
  minWindowIntervals: 2.5,
  noiseMultiple: 4,
  initialNoiseP2pMps2: 1,
  noiseTauMs: 10_000,
  referenceSpeedMps: 8,
  speedExponent: 0.5,
  minSpeedFactor: 0.5,
  maxSpeedFactor: 2,
  minSpeedMps: 2,
  holdFraction: 0.75,
  quietMs: 300,
  maxDurationMs: 2000,
  refractoryMs: 1500,
  bumpMinLengthM: 5,
  maxLengthTestSpeedMps: 11,
  potholeMinUpShare: 0.55,
  fullSeverityP2pMps2: 2 * G,
};

/**
 * Maximum over a sliding time window (a monotonic queue): values that can never be the maximum
 * again are dropped on arrival, so each sample is pushed and removed once.
 */
class WindowMax {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  /** Adds (tMs, v), forgets samples before `fromMs`, returns the window's maximum. */
  push(tMs: number, v: number, fromMs: number): number {
    while (this.values.length > 0 && (this.values[this.values.length - 1] as number) <= v) {
      this.values.pop();
      this.times.pop();
    }
    this.values.push(v);
    this.times.push(tMs);
    while ((this.times[0] as number) < fromMs) {
      this.times.shift();
      this.values.shift();
    }
    return this.values[0] as number;
  }

  clear(): void {
    this.times.length = 0;
    this.values.length = 0;
  }
}

interface Candidate {
  startMs: number;
  lastAboveMs: number;
  /** Largest swing, already divided by the speed factor. */
  peakNorm: number;
  /** When the largest swing completed: the impact, which places the event. */
  peakMs: number;
  /** Vertical level before the event: the reference for up/down excursions. */
  refMps2: number;
  upMps2: number;
  downMps2: number;
  /** Time the excursion exceeded a quarter of the swing (bump vs pothole length). */
  bigMs: number;
  speedMps: number | undefined;
}

/**
 * Potholes and bumps from the vertical specific force, at any rate from 1 to 200 Hz and any
 * mounting (it needs "up" only). A candidate is a swing (max − min over a short window)
 * above an adaptive threshold: the larger of a fixed floor, normalised for speed, and a
 * multiple of the road's running median swing (rough roads raise their own bar). A
 * candidate is classified from its shape: long or landing-dominated is a bump, short and
 * strike-dominated (upward) a pothole. Without a GPS speed the speed normalisation is a
 * no-op at {@link RoadAnomalyConfig.referenceSpeedMps}. Arithmetic only, O(window) memory.
 *
 * @example
 * const d = new RoadAnomalyDetector();
 * d.setSpeed(9);
 * for (const s of vehicleSamples) for (const e of d.onImu(s)) report(e);
 * for (const e of d.flush()) report(e);
 */
export class RoadAnomalyDetector {
  /** Recent (time, vertical) pairs inside the swing window. */
  private readonly recentMs: number[] = [];
  private readonly recentV: number[] = [];
  /** Running max of v and of −v over the window: max − min in O(1) per sample even at 200 Hz. */
  private readonly highs = new WindowMax();
  private readonly lows = new WindowMax();
  private noiseP2p: number;
  private level: number | undefined;
  private lastMs: number | undefined;
  private candidate: Candidate | undefined;
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private speedMps: number | undefined;

  constructor(private readonly config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY) {
    this.noiseP2p = config.initialNoiseP2pMps2;
  }

  /** Latest GPS speed (normalisation and gating); never called = speed unknown. */
  setSpeed(speedMps: number): void {
    this.speedMps = Number.isFinite(speedMps) && speedMps >= 0 ? speedMps : undefined;
  }

  /** Feeds a vehicle-frame sample (needs gravity only). */
  onImu(s: VehicleSample): DetectedEvent[] {
    const c = this.config;
    const v = s.vertMps2;
    if (!Number.isFinite(v)) return [];
    const dtMs = this.lastMs === undefined ? 0 : s.tMs - this.lastMs;
    this.lastMs = s.tMs;
    // A gap in the log (or a clock step): the window and level start afresh.
    if (dtMs < 0 || dtMs > 2000) {
      this.recentMs.length = 0;
      this.recentV.length = 0;
      this.highs.clear();
      this.lows.clear();
      this.level = undefined;
    }
    const spanMs = Math.max(c.windowMs, c.minWindowIntervals * dtMs);
    this.recentMs.push(s.tMs);
    this.recentV.push(v);
    while (this.recentMs.length > 1 && s.tMs - (this.recentMs[0] as number) > spanMs) {
      this.recentMs.shift();
      this.recentV.shift();
    }
    const p2p =
      this.highs.push(s.tMs, v, this.recentMs[0] as number) +
      this.lows.push(s.tMs, -v, this.recentMs[0] as number);
    const out = this.track(s.tMs, v, p2p, dtMs);
    // The level and the noise follow the road only outside events, so an event does not
    // raise its own bar or shift its own reference.
    if (!this.candidate) {
      this.level =
        this.level === undefined ? v : this.level + (Math.min(dtMs, 1000) / (1000 + dtMs)) * (v - this.level);
      if (this.recentV.length > 1) this.updateNoise(p2p, dtMs);
    }
    return out;
  }

  /** Decides a candidate still open (end of log). */
  flush(): DetectedEvent[] {
    const cand = this.candidate;
    this.candidate = undefined;
    return cand ? this.decide(cand) : [];
  }

  private speedFactor(): number {
    const c = this.config;
    const v = this.speedMps ?? c.referenceSpeedMps;
    const f = (Math.max(v, 0.1) / c.referenceSpeedMps) ** c.speedExponent;
    return Math.min(c.maxSpeedFactor, Math.max(c.minSpeedFactor, f));
  }

  private threshold(): number {
    const c = this.config;
    return Math.max(c.thresholdP2pMps2 * this.speedFactor(), c.noiseMultiple * this.noiseP2p);
  }

  /**
   * Median tracking in log space: the estimate moves up or down by the same small factor per
   * unit time, so it settles where half the swings are above it (a running median, robust to
   * the very events it must not hide), with no buffer and at any sample rate.
   */
  private updateNoise(p2p: number, dtMs: number): void {
    const step = Math.min(dtMs, 1000) / this.config.noiseTauMs;
    this.noiseP2p *= p2p > this.noiseP2p ? 1 + step : 1 / (1 + step);
  }

  private track(tMs: number, v: number, p2p: number, dtMs: number): DetectedEvent[] {
    const c = this.config;
    const threshold = this.threshold();
    const factor = this.speedFactor();
    const cand = this.candidate;
    if (!cand) {
      const moving = this.speedMps === undefined || this.speedMps >= c.minSpeedMps;
      if (p2p < threshold || !moving || this.recentV.length < 2) return [];
      const ref = this.level ?? v;
      const next: Candidate = {
        startMs: this.recentMs[0] as number,
        lastAboveMs: tMs,
        peakNorm: p2p / factor,
        peakMs: tMs,
        refMps2: ref,
        upMps2: 0,
        downMps2: 0,
        bigMs: 0,
        speedMps: this.speedMps,
      };
      // The window's earlier samples belong to the event too (the first leg of the swing).
      for (const x of this.recentV) this.extend(next, x, 0);
      this.candidate = next;
      return [];
    }
    this.extend(cand, v, dtMs);
    if (p2p >= threshold * c.holdFraction) {
      cand.lastAboveMs = tMs;
      if (p2p / factor > cand.peakNorm) {
        cand.peakNorm = p2p / factor;
        cand.peakMs = tMs;
      }
      return [];
    }
    if (tMs - cand.lastAboveMs < c.quietMs) return [];
    this.candidate = undefined;
    return this.decide(cand);
  }

  private extend(cand: Candidate, v: number, dtMs: number): void {
    const d = v - cand.refMps2;
    if (d > cand.upMps2) cand.upMps2 = d;
    if (-d > cand.downMps2) cand.downMps2 = -d;
    // "Big" = beyond a quarter of the swing seen so far: the body of the event, not its tail.
    if (Math.abs(d) > 0.25 * (cand.upMps2 + cand.downMps2)) cand.bigMs += dtMs;
  }

  private decide(cand: Candidate): DetectedEvent[] {
    const c = this.config;
    if (cand.lastAboveMs - cand.startMs > c.maxDurationMs) return [];
    if (cand.startMs - this.lastEventMs < c.refractoryMs) return [];
    this.lastEventMs = cand.startMs;
    const speed = cand.speedMps ?? c.referenceSpeedMps;
    const lengthM = (cand.bigMs / 1000) * Math.max(speed, c.minSpeedMps);
    const upShare = cand.upMps2 / Math.max(1e-9, cand.upMps2 + cand.downMps2);
    const longEvent = speed <= c.maxLengthTestSpeedMps && lengthM >= c.bumpMinLengthM;
    const bump = longEvent || upShare < c.potholeMinUpShare;
    return [
      {
        type: 'road_anomaly',
        tMs: cand.peakMs,
        kind: bump ? 'bump' : 'pothole',
        severity: Math.min(1, cand.peakNorm / c.fullSeverityP2pMps2),
        speedMps: cand.speedMps ?? 0,
      },
    ];
  }
}
