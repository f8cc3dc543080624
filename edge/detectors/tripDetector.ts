import { haversineM } from '../../lib/geo/distance.ts';
import type { FilteredFix } from '../sensors/samples.ts';

/** Thresholds of {@link TripDetector}. */
export interface TripDetectorConfig {
  /** Moving means above ~9 km/h: GPS speed noise at rest stays well below. */
  movingSpeedMps: number;
  /** Stopped means below this. */
  stoppedSpeedMps: number;
  /** A trip starts once the vehicle has moved this far from where it rested… */
  startDistanceM: number;
  /** …having kept moving this long (a car nudged in a car park is not a trip). */
  startSustainMs: number;
  /**
   * A stop longer than this ends the trip. Red lights and level crossings rarely exceed 2 min;
   * 3 min separates them from parking.
   */
  stopDwellMs: number;
  /** A GPS silence this long (ignition off, parking garage) ends the trip. */
  gapMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_TRIP_DETECTOR: TripDetectorConfig = {
  movingSpeedMps: 2.5,
  stoppedSpeedMps: 1,
  startDistanceM: 100,
  startSustainMs: 5000,
  stopDwellMs: 180_000,
  gapMs: 300_000,
};

/**
 * What the detector reports for one fix, in order. A start's `at` is where the vehicle was
 * parked before the trip (see {@link TripDetector}); its first `fix` is where it last rested.
 */
export type TripSignal =
  | { kind: 'start'; at: FilteredFix }
  | { kind: 'fix'; fix: FilteredFix }
  | { kind: 'end'; at: FilteredFix };

/**
 * Start/stop detection over accepted GPS fixes. A trip starts where the vehicle last rested
 * and ends where it came to its final rest. The start is reported at where the vehicle was
 * *parked* — the end of the previous trip, the first fix after power-up, or the latest spot it
 * stood still for a dwell — not at the last momentary stop: a car that pulls out of a drive,
 * stops at the gate and then leaves would otherwise have the gate protected, not the house.
 */
export class TripDetector {
  private inTrip = false;
  private rest: FilteredFix | undefined;
  private parked: FilteredFix | undefined;
  private stillSince: FilteredFix | undefined;
  private movingSince: FilteredFix | undefined;
  private stoppedAt: FilteredFix | undefined;
  private last: FilteredFix | undefined;
  private readonly buffered: FilteredFix[] = [];

  constructor(private readonly config: TripDetectorConfig = DEFAULT_TRIP_DETECTOR) {}

  /** Whether a trip is under way. */
  get active(): boolean {
    return this.inTrip;
  }

  /** Feeds an accepted fix; returns the trip signals it causes. */
  push(fix: FilteredFix): TripSignal[] {
    const out: TripSignal[] = [];
    const last = this.last;
    this.last = fix;
    if (this.inTrip && last && fix.tMs - last.tMs >= this.config.gapMs) {
      out.push(this.end(this.stoppedAt ?? last));
    }
    if (!this.inTrip) {
      this.idle(fix, out);
      return out;
    }
    out.push({ kind: 'fix', fix });
    if (fix.speedMps < this.config.stoppedSpeedMps) {
      if (!this.stoppedAt) this.stoppedAt = fix;
      if (fix.tMs - this.stoppedAt.tMs >= this.config.stopDwellMs) out.push(this.end(this.stoppedAt));
    } else if (fix.speedMps >= this.config.movingSpeedMps) {
      this.stoppedAt = undefined;
    }
    return out;
  }

  /** Ends a trip in progress (end of log, shutdown). */
  finish(): TripSignal[] {
    if (!this.inTrip || !this.last) return [];
    return [this.end(this.stoppedAt ?? this.last)];
  }

  private idle(fix: FilteredFix, out: TripSignal[]): void {
    if (!this.parked) this.parked = fix;
    if (fix.speedMps < this.config.stoppedSpeedMps) {
      if (!this.stillSince) this.stillSince = fix;
      if (fix.tMs - this.stillSince.tMs >= this.config.stopDwellMs) this.parked = this.stillSince;
    } else this.stillSince = undefined;
    if (fix.speedMps < this.config.movingSpeedMps) {
      if (fix.speedMps < this.config.stoppedSpeedMps || !this.rest) {
        this.rest = fix;
        this.movingSince = undefined;
        this.buffered.length = 0;
      }
      if (this.movingSince) this.buffered.push(fix);
      return;
    }
    if (!this.rest) this.rest = fix;
    if (!this.movingSince) this.movingSince = fix;
    this.buffered.push(fix);
    const rest = this.rest;
    if (
      fix.tMs - this.movingSince.tMs >= this.config.startSustainMs &&
      haversineM(rest.lat, rest.lng, fix.lat, fix.lng) >= this.config.startDistanceM
    ) {
      this.inTrip = true;
      this.stoppedAt = undefined;
      out.push({ kind: 'start', at: this.parked });
      out.push({ kind: 'fix', fix: rest });
      for (const f of this.buffered) out.push({ kind: 'fix', fix: f });
      this.buffered.length = 0;
      this.movingSince = undefined;
    }
  }

  private end(at: FilteredFix): TripSignal {
    this.inTrip = false;
    this.rest = at;
    this.parked = at;
    this.stillSince = undefined;
    this.stoppedAt = undefined;
    this.movingSince = undefined;
    this.buffered.length = 0;
    return { kind: 'end', at };
  }
}
