/**
 * The vehicle's heading change over any recent interval, from the gyro's yaw rate integrated
 * (or GPS heading rates where there is no gyro). A manoeuvre's few seconds of strong force are
 * only part of a turn; asking "did the heading change between 1 s before and 1 s after?"
 * tells a corner from a brake or a lane change whatever the force's duration.
 */
export class HeadingHistory {
  private readonly tMs: number[] = [];
  private readonly headingRad: number[] = [];
  private cumulativeRad = 0;
  private lastMs: number | undefined;
  private r0: number | undefined;
  private r1: number | undefined;

  /** @param keepMs how much history to keep */
  constructor(private readonly keepMs = 20_000) {}

  /** Adds a yaw-rate reading (rad/s, counter-clockwise) at `tMs`. */
  addRate(tMs: number, yawRateRps: number): void {
    // Median of the last three readings: a car's yaw rate changes smoothly, and a slow sensor
    // read as snapshots aliases vibration into single-sample spikes that would add up.
    const rate = median3(this.r0 ?? yawRateRps, this.r1 ?? yawRateRps, yawRateRps);
    this.r0 = this.r1;
    this.r1 = yawRateRps;
    if (this.lastMs !== undefined && tMs > this.lastMs) {
      this.cumulativeRad += rate * (Math.min(tMs - this.lastMs, 1000) / 1000);
    }
    this.lastMs = tMs;
    // One point per 50 ms is plenty for second-scale manoeuvres and bounds memory at 200 Hz.
    const n = this.tMs.length;
    if (n > 0 && tMs - (this.tMs[n - 1] as number) < 50) {
      this.headingRad[n - 1] = this.cumulativeRad;
      return;
    }
    this.tMs.push(tMs);
    this.headingRad.push(this.cumulativeRad);
    while (this.tMs.length > 2 && tMs - (this.tMs[0] as number) > this.keepMs) {
      this.tMs.shift();
      this.headingRad.shift();
    }
  }

  /** Whether any reading has arrived. */
  get empty(): boolean {
    return this.tMs.length === 0;
  }

  /** Heading change (rad, counter-clockwise positive) from `fromMs` to `toMs`, clamped to the history. */
  change(fromMs: number, toMs: number): number {
    return this.at(toMs) - this.at(fromMs);
  }

  /** Largest minus smallest heading (rad) within [fromMs, toMs]: how much it swung either way. */
  swing(fromMs: number, toMs: number): number {
    let lo = this.at(fromMs);
    let hi = lo;
    for (let i = 0; i < this.tMs.length; i++) {
      const t = this.tMs[i] as number;
      if (t < fromMs) continue;
      if (t > toMs) break;
      const h = this.headingRad[i] as number;
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    return hi - lo;
  }

  private at(tMs: number): number {
    let value = this.headingRad[0] ?? 0;
    for (let i = 0; i < this.tMs.length; i++) {
      if ((this.tMs[i] as number) > tMs) break;
      value = this.headingRad[i] as number;
    }
    return value;
  }
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
