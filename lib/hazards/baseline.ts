import type { EpochMinute } from '../time/epochMinute.ts';
import type { HeadingSector } from './headingSector.ts';
import type { BucketEntry } from './slidingWindow.ts';

/** Long-term counts of one cell and sector at one hour of the week. */
export interface BaselineCounts {
  /** Sum over past hours of the distinct cameras that gave the signal. */
  signals: number;
  /** Sum over past hours of the distinct cameras that passed (signalling ones included). */
  passers: number;
}

/**
 * Prior of a cell's per-pass braking probability before it has history: Beta(1, 19), a mean
 * of 5 %. Background hard braking is ~3 per 100 km (≈0.2 % per 66 m cell), but junctions run
 * at 5–20 %: until a cell's own rate is learned it is assumed to be junction-like, so a cold
 * junction never looks like a hazard. The prior is weak (20 passes' worth): a few hundred
 * clean passes teach a quiet road its low rate, and the detector becomes more sensitive there.
 */
export const BASELINE_PRIOR = { alpha: 1, beta: 19 } as const;

/** Posterior mean braking probability per passing camera. */
export function baselineRate(counts: BaselineCounts, prior = BASELINE_PRIOR): number {
  const signals = Math.min(counts.signals, counts.passers);
  return (signals + prior.alpha) / (counts.passers + prior.alpha + prior.beta);
}

/** Hour of the week (0 = Monday 00:00–01:00 UTC … 167) of an epoch minute. */
export function hourOfWeek(minute: EpochMinute | number): number {
  const hours = Math.floor(minute / 60);
  // 1970-01-01 was a Thursday: shift so that Monday is 0.
  return (hours + 3 * 24) % 168;
}

/** Key of one cell and sector inside a baseline item. */
export function baselineAttr(cell: string, sector: HeadingSector | string): string {
  return `${cell}_${String(sector)}`;
}

/**
 * One hour's contribution to the baselines of a partition: per cell and sector, the distinct
 * cameras that braked and that passed in that hour. Computed from the idempotent minute
 * buckets, and applied once per hour, so the long-term counts are exactly-once too.
 */
export function rollupHour(entries: readonly BucketEntry[], signalKind: BucketEntry['kind'] = 'brake') {
  const signals = new Map<string, Set<string>>();
  const passers = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, key: string, ps: readonly string[]) => {
    let set = m.get(key);
    if (!set) {
      set = new Set();
      m.set(key, set);
    }
    for (const p of ps) set.add(p);
  };
  for (const e of entries) {
    const key = baselineAttr(e.cell, e.sector);
    if (e.kind === signalKind) {
      add(signals, key, e.pseudonyms);
      add(passers, key, e.pseudonyms);
    } else if (e.kind === 'pass') add(passers, key, e.pseudonyms);
  }
  const out = new Map<string, BaselineCounts>();
  for (const [key, set] of passers) out.set(key, { signals: signals.get(key)?.size ?? 0, passers: set.size });
  return out;
}
