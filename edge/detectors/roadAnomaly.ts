import type { VehicleSample } from '../sensors/mountCalibration.ts';
import { type DetectedEvent, LowPass } from './detectedEvent.ts';

const G = 9.80665;

/** Thresholds of {@link RoadAnomalyDetector}. */
export interface RoadAnomalyConfig {
  /**
   * 0.25 g on the speed-normalised vertical spike. Real potholes show ~0.4 g spikes against
   * ~0.025 g of road noise even at 5 Hz sampling (Pothole Patrol, Eriksson et al. 2008, and
   * phone studies since), so 0.25 g is 10× the noise and catches shallower defects.
   */
  thresholdMps2: number;
  /** Vertical response grows with speed; spikes are scaled to what they would be at this speed. */
  referenceSpeedMps: number;
  /** Below ~11 km/h vertical spikes are kerbs, doors and parking: not road anomalies. */
  minSpeedMps: number;
  /** A spike longer than this is rough road or a slope change, not a point anomaly. */
  maxDurationMs: number;
  /** Baseline of the high-pass: slopes and slow pitch are removed, spikes kept. */
  baselineTauMs: number;
  /** One anomaly per this time (the front and rear axle hit the same pothole). */
  refractoryMs: number;
  /** Severity 1 at this normalised spike (1 g: a wheel-damaging pothole). */
  fullSeverityMps2: number;
}

/** Defaults; see the field comments for their sources. */
export const DEFAULT_ROAD_ANOMALY: RoadAnomalyConfig = {
  thresholdMps2: 0.25 * G,
  referenceSpeedMps: 10,
  minSpeedMps: 3,
  maxDurationMs: 1200,
  baselineTauMs: 1000,
  refractoryMs: 1500,
  fullSeverityMps2: 1 * G,
};

interface Spike {
  startMs: number;
  lastAboveMs: number;
  peak: number;
  /** Sign of the first excursion: −1 the wheel dropped first (pothole), +1 it rose (bump). */
  firstSign: number;
  speedMps: number;
}

/**
 * Short vertical spikes, normalised for speed, classified by the sign of their first
 * excursion: a wheel falls into a pothole (specific force drops below g first) and rides up a
 * bump (it rises first). Needs only "down", so it works before forward is calibrated.
 */
export class RoadAnomalyDetector {
  private readonly baseline: LowPass;
  private spike: Spike | undefined;
  private prevBase: number | undefined;
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private speedMps = 0;

  constructor(private readonly config: RoadAnomalyConfig = DEFAULT_ROAD_ANOMALY) {
    this.baseline = new LowPass(config.baselineTauMs);
  }

  /** Latest GPS speed (normalisation and gating). */
  setSpeed(speedMps: number): void {
    this.speedMps = speedMps;
  }

  /** Feeds a vehicle-frame sample (needs gravity only). */
  onImu(s: VehicleSample): DetectedEvent[] {
    // High-pass against the baseline *before* this sample, so a one-sample spike at 5 Hz is
    // not shrunk by its own contribution to the baseline.
    const hp = this.prevBase === undefined ? 0 : s.vertMps2 - this.prevBase;
    this.prevBase = this.baseline.update(s.tMs, s.vertMps2);
    const speed = Math.min(Math.max(this.speedMps, this.config.minSpeedMps), 40);
    // √ scaling: measured spike amplitudes grow sub-linearly with speed for a given defect.
    const scale = Math.sqrt(this.config.referenceSpeedMps / speed);
    const norm = Math.abs(hp) * scale;
    const half = this.config.thresholdMps2 / 2;
    const sp = this.spike;
    if (!sp) {
      if (norm >= half && this.speedMps >= this.config.minSpeedMps) {
        this.spike = {
          startMs: s.tMs,
          lastAboveMs: s.tMs,
          peak: norm,
          firstSign: Math.sign(hp),
          speedMps: this.speedMps,
        };
      }
      return [];
    }
    if (norm >= half) {
      sp.lastAboveMs = s.tMs;
      if (norm > sp.peak) sp.peak = norm;
      return [];
    }
    // Quiet for 300 ms closes the spike (both axles of a car pass within ~0.3 s at 30 km/h).
    if (s.tMs - sp.lastAboveMs < 300) return [];
    this.spike = undefined;
    return this.decide(sp);
  }

  private decide(sp: Spike): DetectedEvent[] {
    if (sp.peak < this.config.thresholdMps2) return [];
    if (sp.lastAboveMs - sp.startMs > this.config.maxDurationMs) return [];
    if (sp.startMs - this.lastEventMs < this.config.refractoryMs) return [];
    this.lastEventMs = sp.startMs;
    const severity = Math.min(1, sp.peak / this.config.fullSeverityMps2);
    return [
      {
        type: 'road_anomaly',
        tMs: sp.startMs,
        kind: sp.firstSign < 0 ? 'pothole' : 'bump',
        severity,
        speedMps: sp.speedMps,
      },
    ];
  }

  /** Decides a spike still open (end of log). */
  flush(): DetectedEvent[] {
    const sp = this.spike;
    this.spike = undefined;
    return sp ? this.decide(sp) : [];
  }
}
