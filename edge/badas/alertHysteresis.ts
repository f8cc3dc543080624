import type { BadasOperatingPoint } from './badasScorer.ts';

/** What one score did to the alert. */
export interface AlertStep {
  active: boolean;
  /** True on the frame the alert was raised or cleared. */
  changed: boolean;
}

/**
 * Two thresholds and two hold times, so a score hovering around one threshold never makes the
 * alert chatter: raised only after the score stays ≥ `raiseAt` for `raiseHoldS`, cleared only
 * after it stays ≤ `clearAt` for `clearHoldS`. Holds are in seconds, not frames, so a 5 Hz and
 * a 30 Hz camera behave alike.
 *
 * @example
 * const h = new AlertHysteresis({ raiseAt: 0.6, raiseHoldS: 0.2, clearAt: 0.3, clearHoldS: 1 });
 * if (h.update(tS, p).changed) ui.warn();
 */
export class AlertHysteresis {
  private active = false;
  private sinceS: number | undefined;

  constructor(private readonly point: BadasOperatingPoint) {}

  /** Feeds the score of the frame at `tS` (seconds, increasing). */
  update(tS: number, score: number): AlertStep {
    const p = this.point;
    const pushing = this.active ? score <= p.clearAt : score >= p.raiseAt;
    if (!pushing) {
      this.sinceS = undefined;
      return { active: this.active, changed: false };
    }
    this.sinceS ??= tS;
    const hold = this.active ? p.clearHoldS : p.raiseHoldS;
    // The epsilon absorbs float time (0.3 − 0.1 < 0.2): frame times are not exact multiples.
    if (tS - this.sinceS >= hold - 1e-6) {
      this.active = !this.active;
      this.sinceS = undefined;
      return { active: this.active, changed: true };
    }
    return { active: this.active, changed: false };
  }

  /** Whether the alert is on now. */
  get isActive(): boolean {
    return this.active;
  }
}
