import type { Scenario } from './scenarios.ts';

/**
 * How the generator's *normal* driving compares with naturalistic driving: time headway while
 * following, and how often (and at what speed) the true time-to-collision comes down to the
 * warning zone. Measured on the true kinematics (no perception noise), so it judges the
 * simulated drivers, not the camera.
 */
export interface RealismFigures {
  /** Hours of following (a lead within 100 m, ego faster than 2 m/s). */
  followingH: number;
  /** Time-headway percentiles (gap / ego speed) while following, s: 5th, 50th, 95th. */
  headwayS: [number, number, number];
  /** Share of following time with true TTC below 3 s. */
  ttcUnder3Share: number;
  /** Approaches per hour of following whose true TTC dips below 2.6 s (the FCW zone), by ego speed at the dip. */
  dipsUnder2_6PerH: { slowUnder5Mps: number; fast: number };
  /** The same for dips below 2.0 s. */
  dipsUnder2PerH: { slowUnder5Mps: number; fast: number };
}

const FOLLOW_RANGE_M = 100;
const MOVING_MPS = 2;
/** Dips closer than this merge into one approach. */
const MERGE_S = 2;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Realism figures over the given drives (pass the conflict-free normal ones). */
export function realismFigures(scenarios: readonly Scenario[]): RealismFigures {
  const headways: number[] = [];
  let followS = 0;
  let under3S = 0;
  const dips = { d26: { slow: 0, fast: 0 }, d2: { slow: 0, fast: 0 } };
  for (const s of scenarios) {
    const { gapM, closingMps, egoSpeedMps } = s.truth;
    const dt = 1 / s.frameHz;
    const last = { d26: Number.NEGATIVE_INFINITY, d2: Number.NEGATIVE_INFINITY };
    for (let i = 0; i < gapM.length; i++) {
      const gap = gapM[i]!;
      const v = egoSpeedMps[i]!;
      if (!(gap <= FOLLOW_RANGE_M) || v < MOVING_MPS) continue;
      followS += dt;
      headways.push(gap / v);
      const c = closingMps[i]!;
      const ttc = c > 0.1 ? gap / c : Number.POSITIVE_INFINITY;
      if (ttc < 3) under3S += dt;
      const t = i * dt;
      for (const [key, lim] of [
        ['d26', 2.6],
        ['d2', 2],
      ] as const) {
        if (ttc >= lim) continue;
        if (t - last[key] > MERGE_S) dips[key][v < 5 ? 'slow' : 'fast']++;
        last[key] = t;
      }
    }
  }
  headways.sort((a, b) => a - b);
  const h = followS / 3600;
  return {
    followingH: h,
    headwayS: [percentile(headways, 0.05), percentile(headways, 0.5), percentile(headways, 0.95)],
    ttcUnder3Share: followS > 0 ? under3S / followS : Number.NaN,
    dipsUnder2_6PerH: { slowUnder5Mps: dips.d26.slow / h, fast: dips.d26.fast / h },
    dipsUnder2PerH: { slowUnder5Mps: dips.d2.slow / h, fast: dips.d2.fast / h },
  };
}
