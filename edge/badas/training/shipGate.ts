import { createSeededRandom } from '../../core/random.ts';
import type { BadasOperatingPoint } from '../badasScorer.ts';
import { alertFigures, averagePrecision, horizonClips, type ScoredScenario } from './evaluate.ts';
import { VALIDATION_FA_PER_H } from './trainRecipe.ts';

/** Settings of {@link shipGate}. */
export interface ShipGateOptions {
  /** AP horizon, s (the Nexar challenge's 1 s). */
  horizonS: number;
  /** Bootstrap resamples of the held-out drives. */
  resamples: number;
  /** Two-sided confidence of the intervals (0.95: the 2.5th and 97.5th percentiles). */
  confidence: number;
  /** False alarms per hour of normal driving a shipped model may not exceed (the target). */
  falseAlarmBudgetPerH: number;
  seed: string;
}

/** Defaults: AP 1 s ahead, 1,000 resamples, 95 % intervals, the 0.1 false alarms/h target. */
export const DEFAULT_SHIP_GATE: ShipGateOptions = {
  horizonS: 1,
  resamples: 1000,
  confidence: 0.95,
  falseAlarmBudgetPerH: VALIDATION_FA_PER_H,
  seed: 'badas-ship-gate-v1',
};

/** A figure of both models, their difference (candidate − current) and its bootstrap interval. */
export interface PairedFigure {
  current: number;
  candidate: number;
  delta: number;
  deltaLow: number;
  deltaHigh: number;
}

/** The gate's decision and the figures behind it (they go into the candidate's manifest). */
export interface ShipDecision {
  ships: boolean;
  /** One line: why it ships or not. */
  reason: string;
  apAtHorizon: PairedFigure;
  falseAlarmsPerH: PairedFigure;
  drives: number;
  positives: number;
  normalHours: number;
}

/**
 * Whether a candidate model may replace the current one, judged on held-out drives neither was
 * trained or tuned on, each model at its own operating point. It ships only when
 *
 * 1. its AP `horizonS` ahead beats the current model's by more than the noise: the lower end of
 *    the paired bootstrap interval of the difference is above 0; and
 * 2. its false alarms per hour of normal driving are not worse beyond the noise (the interval's
 *    lower end is not above 0) and stay within the budget.
 *
 * Why a paired bootstrap over drives: both models score the same drives, so the drive-to-drive
 * variation (a hard cut-in, a calm motorway) cancels in the difference; resampling whole drives
 * keeps the frames of a drive together (they are not independent), and the negative clips of a
 * resample are drawn once for both models. An AP gain of 0.005 on 400 conflicts is noise; the
 * interval says so instead of a hand-picked margin.
 *
 * `current` and `candidate` must hold the same scenarios in the same order, `model` scored by
 * each model.
 */
export function shipGate(
  current: readonly ScoredScenario[],
  candidate: readonly ScoredScenario[],
  points: { current: BadasOperatingPoint; candidate: BadasOperatingPoint },
  options: ShipGateOptions = DEFAULT_SHIP_GATE,
): ShipDecision {
  if (current.length !== candidate.length || current.some((c, i) => c.scenario !== candidate[i]!.scenario))
    throw new Error('shipGate: both models must be scored on the same drives, in the same order');
  const n = current.length;
  const ap = (a: readonly ScoredScenario[], b: readonly ScoredScenario[], seed: string) => {
    const ca = horizonClips(a, options.horizonS, seed);
    const cb = horizonClips(b, options.horizonS, seed);
    return {
      a: averagePrecision(ca.model, ca.labels),
      b: averagePrecision(cb.model, cb.labels),
      positives: ca.labels.filter((l) => l === 1).length,
    };
  };
  // Per drive, false alarms in normal driving and its duration: sums of these resample cheaply.
  const perDrive = (scored: readonly ScoredScenario[], point: BadasOperatingPoint) =>
    scored.map((s) => {
      const f = alertFigures([s], 'model', point);
      const hours = f.normalHours;
      return { alarms: hours > 0 ? f.falseAlarmsPerH * hours : 0, hours };
    });
  const faCur = perDrive(current, points.current);
  const faCand = perDrive(candidate, points.candidate);
  const rate = (xs: readonly { alarms: number; hours: number }[], idx: readonly number[]) => {
    let a = 0;
    let h = 0;
    for (const i of idx) {
      a += xs[i]!.alarms;
      h += xs[i]!.hours;
    }
    return h > 0 ? a / h : 0;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  const full = ap(current, candidate, options.seed);
  const faFull = { a: rate(faCur, all), b: rate(faCand, all) };

  const r = createSeededRandom(options.seed);
  const dAp: number[] = [];
  const dFa: number[] = [];
  for (let k = 0; k < options.resamples; k++) {
    const idx = Array.from({ length: n }, () => Math.floor(r.next() * n));
    const res = ap(
      idx.map((i) => current[i]!),
      idx.map((i) => candidate[i]!),
      `${options.seed}:${k}`,
    );
    if (Number.isFinite(res.a) && Number.isFinite(res.b)) dAp.push(res.b - res.a);
    dFa.push(rate(faCand, idx) - rate(faCur, idx));
  }
  const tail = (1 - options.confidence) / 2;
  const paired = (a: number, b: number, deltas: number[]): PairedFigure => {
    const sorted = [...deltas].sort((x, y) => x - y);
    const q = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))] ?? Number.NaN;
    return { current: a, candidate: b, delta: b - a, deltaLow: q(tail), deltaHigh: q(1 - tail) };
  };
  const apFig = paired(full.a, full.b, dAp);
  const faFig = paired(faFull.a, faFull.b, dFa);
  const normalHours = faCur.reduce((s, d) => s + d.hours, 0);

  let reason: string;
  let ships = false;
  const f3 = (v: number) => v.toFixed(3);
  if (!(apFig.deltaLow > 0))
    reason = `AP ${options.horizonS} s ahead ${f3(apFig.candidate)} vs ${f3(apFig.current)}: the gain's ${options.confidence * 100} % interval [${f3(apFig.deltaLow)}, ${f3(apFig.deltaHigh)}] does not exclude 0`;
  else if (faFig.deltaLow > 0)
    reason = `false alarms ${f3(faFig.candidate)}/h vs ${f3(faFig.current)}/h: worse beyond the noise`;
  else if (faFig.candidate > options.falseAlarmBudgetPerH)
    reason = `false alarms ${f3(faFig.candidate)}/h exceed the budget of ${options.falseAlarmBudgetPerH}/h`;
  else {
    ships = true;
    reason = `AP ${options.horizonS} s ahead +${f3(apFig.delta)} (interval [${f3(apFig.deltaLow)}, ${f3(apFig.deltaHigh)}]), false alarms ${f3(faFig.candidate)}/h vs ${f3(faFig.current)}/h`;
  }
  return {
    ships,
    reason,
    apAtHorizon: apFig,
    falseAlarmsPerH: faFig,
    drives: n,
    positives: full.positives,
    normalHours,
  };
}
