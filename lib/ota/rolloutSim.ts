import type { Prng } from '../random/prng.ts';
import { gaussian } from '../random/prng.ts';
import {
  HEALTH_METRICS,
  type HealthMetric,
  type Strata,
  type StratumCounts,
  stratumKey,
} from './healthCounts.ts';

/**
 * A simulated fleet's health counts during a rollout, for the controller's tests and its bench.
 * Rates differ a lot between strata (a ring road at rush hour alerts ten times as often as a
 * quiet night street), and the two cohorts need not drive the same mix of them: cameras that
 * pick up a candidate first are the ones that are on the road most, in town, at peak hours. That
 * is the confounding the stratified test is built for, and what a pooled comparison falls for.
 */
export interface HealthWorld {
  strata: { key: string; weight: number; rates: Record<HealthMetric, number>; busyness: number }[];
}

/** Per camera-minute, at an average stratum: an alert an hour, a near miss every five, an error every twenty. */
const BASE_RATES: Record<HealthMetric, number> = { alerts: 1 / 60, nearMisses: 1 / 300, errors: 1 / 1200 };

/** A city of `cells` res-7 cells over `hours` consecutive hours with heterogeneous rates. */
export function healthWorld(prng: Prng, cells = 120, hours = 24, firstHour = 490_000): HealthWorld {
  const strata: HealthWorld['strata'] = [];
  const cellFactor = Array.from({ length: cells }, () => Math.exp(prng.uniform(-1.2, 1.2)));
  for (let h = 0; h < hours; h++) {
    const hourOfDay = (firstHour + h) % 24;
    const peak = hourOfDay === 8 || hourOfDay === 17 || hourOfDay === 18 ? 2.5 : hourOfDay < 6 ? 0.4 : 1;
    const traffic = hourOfDay < 6 ? 0.2 : peak > 1 ? 2 : 1;
    for (let c = 0; c < cells; c++) {
      const busyness = cellFactor[c]! * peak;
      strata.push({
        key: stratumKey(firstHour + h, `cell${c}`),
        weight: traffic * Math.exp(prng.uniform(-1, 1)),
        busyness,
        rates: {
          alerts: BASE_RATES.alerts * busyness,
          nearMisses: BASE_RATES.nearMisses * busyness,
          errors: BASE_RATES.errors * Math.sqrt(busyness),
        },
      });
    }
  }
  return { strata };
}

/** How one simulated stage looks. */
export interface StageScenario {
  /** Share of the fleet's camera-minutes that run the candidate (the stage's cohort). */
  candidateShare: number;
  /** Candidate rate / control rate per metric (1 = healthy). */
  rateRatio: Partial<Record<HealthMetric, number>>;
  /**
   * How much the candidate cohort's driving leans to busy strata: its exposure weight is
   * multiplied by `busyness ^ skew` (0 = the same mix as the control).
   */
  skew: number;
}

/** Poisson sample (Knuth for small means, a rounded normal beyond 50, plenty for counts). */
export function poisson(prng: Prng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(prng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = prng.next();
  while (p > limit) {
    k += 1;
    p *= prng.next();
  }
  return k;
}

const add = (strata: Strata, key: string, inc: StratumCounts) => {
  const s = strata.get(key);
  if (!s) strata.set(key, { ...inc });
  else {
    s.exposureMin += inc.exposureMin;
    s.alerts += inc.alerts;
    s.nearMisses += inc.nearMisses;
    s.errors += inc.errors;
  }
};

/**
 * Adds `fleetMinutes` camera-minutes of driving to both cohorts' strata, with Poisson counts:
 * one look's worth of new evidence (call it again for the next look).
 */
export function driveFleet(
  prng: Prng,
  world: HealthWorld,
  scenario: StageScenario,
  fleetMinutes: number,
  into: { candidate: Strata; control: Strata },
): void {
  const wCand = world.strata.map((s) => s.weight * s.busyness ** scenario.skew);
  const wCtrl = world.strata.map((s) => s.weight);
  const sumCand = wCand.reduce((a, b) => a + b, 0);
  const sumCtrl = wCtrl.reduce((a, b) => a + b, 0);
  const candMinutes = fleetMinutes * scenario.candidateShare;
  const ctrlMinutes = fleetMinutes - candMinutes;
  world.strata.forEach((s, i) => {
    for (const arm of ['candidate', 'control'] as const) {
      const mean =
        arm === 'candidate' ? (candMinutes * wCand[i]!) / sumCand : (ctrlMinutes * wCtrl[i]!) / sumCtrl;
      const exposureMin = poisson(prng, mean);
      if (exposureMin === 0) continue;
      const counts: StratumCounts = { exposureMin, alerts: 0, nearMisses: 0, errors: 0 };
      for (const m of HEALTH_METRICS) {
        const ratio = arm === 'candidate' ? (scenario.rateRatio[m] ?? 1) : 1;
        counts[m] = poisson(prng, exposureMin * s.rates[m] * ratio);
      }
      add(into[arm], s.key, counts);
    }
  });
}

/** All strata folded into one: the plain (unstratified) comparison the bench sets beside the stratified one. */
export function pooled(strata: Strata): Strata {
  const total: StratumCounts = { exposureMin: 0, alerts: 0, nearMisses: 0, errors: 0 };
  for (const s of strata.values()) add(new Map([['all', total]]), 'all', s);
  return new Map([['all', total]]);
}
