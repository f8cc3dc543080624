/**
 * What a detector found, before location, redaction and ids are attached. Times are sensor
 * epoch milliseconds; nothing here leaves the device as is.
 */
export type DetectedEvent =
  | {
      type: 'hard_brake';
      tMs: number;
      decelMps2: number;
      speedMps: number;
      /** Which evidence decided: calibrated IMU confirmed by GPS, or GPS alone. */
      source: 'imu' | 'gps';
    }
  | { type: 'hard_corner'; tMs: number; lateralAccelMps2: number; speedMps: number; source: 'imu' | 'gps' }
  | { type: 'road_anomaly'; tMs: number; kind: 'pothole' | 'bump'; severity: number; speedMps: number }
  /**
   * BADAS (`edge/badas/`): a conflict that happened — time-to-collision with the lead below
   * 1.5 s — with the highest anticipation score of the 3 s before it. `speedMps` is the ego speed.
   */
  | { type: 'near_miss'; tMs: number; ttcS: number; badasScore: number; speedMps: number }
  /** BADAS raised the driver warning (once per raise: the hysteresis decides). */
  | { type: 'badas_alert'; tMs: number; score: number; modelVersion: string; speedMps: number };

/** A first-order low-pass whose smoothing follows the actual sample spacing (5–200 Hz). */
export class LowPass {
  private value: number | undefined;
  private lastMs: number | undefined;

  constructor(private readonly tauMs: number) {}

  /** Filters `x` sampled at `tMs`; the first sample initialises the filter. */
  update(tMs: number, x: number): number {
    if (this.value === undefined || this.lastMs === undefined || tMs - this.lastMs > 1000) {
      this.value = x;
    } else {
      const dt = Math.max(0, tMs - this.lastMs);
      // dt/(tau+dt) rather than 1−exp(−dt/tau): arithmetic only, identical on every engine.
      this.value += (dt / (this.tauMs + dt)) * (x - this.value);
    }
    this.lastMs = tMs;
    return this.value;
  }

  /** Forgets the state (after a gap or a mode change). */
  reset(): void {
    this.value = undefined;
    this.lastMs = undefined;
  }
}
