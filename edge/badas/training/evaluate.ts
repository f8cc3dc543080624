import { createSeededRandom } from '../../core/random.ts';
import { AlertHysteresis } from '../alertHysteresis.ts';
import type { BadasOperatingPoint } from '../badasScorer.ts';
import { BadasFeatureWindow } from '../features.ts';
import type { LeadKinematicsFrame } from '../kinematics.ts';
import { frameLabels, type Scenario, type ScenarioKind } from './scenarios.ts';

/** The classic forward-collision warning threshold (Euro NCAP-era FCW: TTC < 2.7 s). */
export const FCW_TTC_S = 2.7;

/** Ranking score of the FCW baseline: inverse TTC of the latest frame, scaled so 1 ⇔ TTC = 2.7 s. */
export function fcwScore(f: LeadKinematicsFrame): number {
  if (f.leadGapM === undefined || f.leadClosingMps === undefined || f.leadClosingMps <= 0) return 0;
  return (FCW_TTC_S * f.leadClosingMps) / Math.max(f.leadGapM, 0.1);
}

/**
 * The FCW baseline's alerting, fixed and independent of how BADAS is tuned: TTC < 2.7 s for
 * 0.2 s (a two-frame debounce at 10 Hz, as production FCWs filter single-frame glitches) raises,
 * TTC > 3.2 s for 1 s clears.
 */
export const FCW_OPERATING_POINT: BadasOperatingPoint = {
  raiseAt: 1,
  raiseHoldS: 0.2,
  clearAt: FCW_TTC_S / 3.2,
  clearHoldS: 1,
};

/** Per-frame scores of one scenario, model and baseline side by side. */
export interface ScoredScenario {
  scenario: Scenario;
  model: Float32Array;
  baseline: Float32Array;
}

/** Scores every frame of a scenario with `score` (features → probability) and the FCW baseline. */
export function scoreScenario(s: Scenario, score: (features: Float32Array) => number): ScoredScenario {
  const w = new BadasFeatureWindow();
  const model = new Float32Array(s.frames.length);
  const baseline = new Float32Array(s.frames.length);
  s.frames.forEach((f, i) => {
    model[i] = score(w.push(f));
    baseline[i] = fcwScore(f);
  });
  return { scenario: s, model, baseline };
}

/** Average precision (area under the precision–recall curve, step-wise, ties grouped). */
export function averagePrecision(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.reduce<number>((a, l) => a + l, 0);
  if (positives === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < idx.length; ) {
    const s = scores[idx[k]!]!;
    while (k < idx.length && scores[idx[k]!] === s) {
      if (labels[idx[k]!] === 1) tp++;
      else fp++;
      k++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** Area under the ROC curve (Mann–Whitney, ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j < idx.length && scores[idx[j]!] === scores[idx[k]!]) j++;
    const avgRank = (k + 1 + j) / 2;
    for (let m = k; m < j; m++) {
      if (labels[idx[m]!] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    k = j;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Index of the last frame at or before `tS`, or -1. */
function frameAt(frames: readonly LeadKinematicsFrame[], tS: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid]!.tS <= tS) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Nexar-style clips for one horizon: positives end `horizonS` before a conflict, negatives anywhere in conflict-free drives. */
export function horizonClips(
  scored: readonly ScoredScenario[],
  horizonS: number,
  seed: string,
): { model: number[]; baseline: number[]; labels: (0 | 1)[] } {
  const model: number[] = [];
  const baseline: number[] = [];
  const labels: (0 | 1)[] = [];
  const free: ScoredScenario[] = [];
  for (const sc of scored) {
    const { frames, conflictOnsetsS, inConflict } = sc.scenario;
    if (conflictOnsetsS.length === 0) {
      free.push(sc);
      continue;
    }
    for (const onset of conflictOnsetsS) {
      const i = frameAt(frames, onset - horizonS);
      // The model needs its 2 s of history, and the clip must end before the conflict.
      if (i < 0 || frames[i]!.tS < 2 || inConflict[i]) continue;
      model.push(sc.model[i]!);
      baseline.push(sc.baseline[i]!);
      labels.push(1);
    }
  }
  // As many negative clips as positives (the challenge's clips are balanced), each ending at a
  // uniformly drawn time of a uniformly drawn conflict-free drive.
  const r = createSeededRandom(`${seed}:${horizonS}`);
  const nPos = labels.length;
  for (let k = 0; k < nPos && free.length > 0; k++) {
    const sc = free[Math.floor(r.next() * free.length)]!;
    const n = sc.scenario.frames.length;
    const lo = Math.min(frameAt(sc.scenario.frames, 2) + 1, n - 1);
    const i = lo + Math.floor(r.next() * (n - lo));
    model.push(sc.model[i]!);
    baseline.push(sc.baseline[i]!);
    labels.push(0);
  }
  return { model, baseline, labels };
}

/** Warnings earlier than this before the conflict get no extra credit (and cannot be told from nagging). */
export const TTA_CAP_S = 5;

/**
 * Normal driving, the false-alarm rate's denominator (issue 11: "false alarms per hour of normal
 * driving"): drives with no scripted hazard (car following with its ordinary slow-downs,
 * stop-and-go, free road) that had no conflict. Not defined by TTC on purpose: that would make
 * a TTC-threshold warning silent there by construction. The strict rate also counts warnings in
 * hazard drives that no conflict followed.
 */
export const NORMAL_KINDS: readonly ScenarioKind[] = ['following', 'stop_and_go', 'free_road'];

/** Alert figures at one operating point. */
export interface AlertFigures {
  /** Mean warning time before a conflict's onset over all conflicts (0 for a missed one), s. */
  mttaS: number;
  /** Share of conflicts warned before their onset. */
  recall: number;
  conflicts: number;
  /** Raises in normal driving, per hour of it. */
  falseAlarmsPerH: number;
  normalHours: number;
  /** Strict: raises no conflict onset follows within {@link TTA_CAP_S}, per hour of all driving. */
  strictFalseAlarmsPerH: number;
  hours: number;
  /**
   * Raises in normal driving after which the true TTC stayed at or above {@link CLEAR_TTC_S} for
   * {@link TTA_CAP_S}, per hour of it: warnings with nothing close in truth. Not the issue's
   * definition (that counts every raise in a conflict-free drive); shown beside it because most
   * of those are approaches whose true TTC came down to 1.5–2 s.
   */
  clearNuisancePerH: number;
}

/** A warning after which the true TTC stays at or above this is a nuisance in the plain sense. */
export const CLEAR_TTC_S = 2;

/** Smallest true TTC from frame `i` for `spanS`, seconds (Infinity when never closing). */
function minTrueTtcAhead(s: Scenario, i: number, spanS: number): number {
  const { frames, truth } = s;
  let min = Number.POSITIVE_INFINITY;
  for (let j = i; j < frames.length && frames[j]!.tS <= frames[i]!.tS + spanS; j++) {
    const c = truth.closingMps[j]!;
    if (c > 0.1) min = Math.min(min, truth.gapM[j]! / c);
  }
  return min;
}

/** Alert quality at an operating point: mean time-to-accident and false alarms per hour. */
export function alertFigures(
  scored: readonly ScoredScenario[],
  which: 'model' | 'baseline',
  point: BadasOperatingPoint,
): AlertFigures {
  let ttaSum = 0;
  let conflicts = 0;
  let caught = 0;
  let falseAlarms = 0;
  let totalS = 0;
  let normalFalse = 0;
  let normalClear = 0;
  let normalS = 0;
  for (const sc of scored) {
    const { frames, conflictOnsetsS, kind } = sc.scenario;
    const h = new AlertHysteresis(point);
    const active: boolean[] = [];
    const spanS = (frames.at(-1)?.tS ?? 0) - (frames[0]?.tS ?? 0);
    const normal = conflictOnsetsS.length === 0 && NORMAL_KINDS.includes(kind);
    totalS += spanS;
    if (normal) normalS += spanS;
    for (const f of frames) {
      const i = active.length;
      const step = h.update(f.tS, sc[which][i]!);
      active.push(step.active);
      if (!(step.changed && step.active)) continue;
      const followed = conflictOnsetsS.some((o) => o >= f.tS && o - f.tS <= TTA_CAP_S);
      if (!followed) {
        falseAlarms++;
        if (normal) normalFalse++;
        if (normal && minTrueTtcAhead(sc.scenario, i, TTA_CAP_S) >= CLEAR_TTC_S) normalClear++;
      }
    }
    for (const onset of conflictOnsetsS) {
      conflicts++;
      let first: number | undefined;
      for (let i = frameAt(frames, onset - TTA_CAP_S) + 1; i < frames.length && frames[i]!.tS <= onset; i++) {
        if (active[i]) {
          first = frames[i]!.tS;
          break;
        }
      }
      if (first !== undefined && first < onset) {
        ttaSum += onset - first;
        caught++;
      }
    }
  }
  return {
    mttaS: conflicts ? ttaSum / conflicts : Number.NaN,
    recall: conflicts ? caught / conflicts : Number.NaN,
    conflicts,
    falseAlarmsPerH: normalS > 0 ? normalFalse / (normalS / 3600) : Number.NaN,
    normalHours: normalS / 3600,
    strictFalseAlarmsPerH: totalS > 0 ? falseAlarms / (totalS / 3600) : Number.NaN,
    hours: totalS / 3600,
    clearNuisancePerH: normalS > 0 ? normalClear / (normalS / 3600) : Number.NaN,
  };
}

/** Frame-level labelled scores (every frame outside a conflict), for AUC. */
export function frameLevel(scored: readonly ScoredScenario[]): {
  model: number[];
  baseline: number[];
  labels: (0 | 1)[];
} {
  const model: number[] = [];
  const baseline: number[] = [];
  const labels: (0 | 1)[] = [];
  for (const sc of scored) {
    frameLabels(sc.scenario).forEach((l, i) => {
      if (l === undefined || sc.scenario.frames[i]!.tS < 2) return;
      model.push(sc.model[i]!);
      baseline.push(sc.baseline[i]!);
      labels.push(l);
    });
  }
  return { model, baseline, labels };
}

/**
 * What perfect foresight could reach: per conflict, the time from the moment its scripted hazard
 * became observable (the lead starts braking, the cut-in, the stopped car's first detection) to
 * its onset, capped at {@link TTA_CAP_S}. Before that moment nothing tells the drive from a
 * normal one, so no honest warning comes earlier. Conflicts without a scripted hazard (a wave
 * or a slow-down the driver reacted to late) count the full cap: the ceiling is optimistic.
 */
export function foresightCeiling(scenarios: readonly Scenario[]): {
  /** Mean over all conflicts, s. */
  meanS: number;
  /** Mean over the conflicts of scripted hazards only, s. */
  scriptedMeanS: number;
  /** Share of scripted-hazard conflicts observable less than 2 s before their onset. */
  scriptedUnder2sShare: number;
} {
  let all = 0;
  let allSum = 0;
  let scripted = 0;
  let scriptedSum = 0;
  let under2 = 0;
  for (const s of scenarios) {
    for (const onset of s.conflictOnsetsS) {
      all++;
      if (s.hazardVisibleS === undefined) {
        allSum += TTA_CAP_S;
        continue;
      }
      const availS = Math.min(TTA_CAP_S, Math.max(0, onset - s.hazardVisibleS));
      allSum += availS;
      scripted++;
      scriptedSum += availS;
      if (availS < 2) under2++;
    }
  }
  return {
    meanS: all ? allSum / all : Number.NaN,
    scriptedMeanS: scripted ? scriptedSum / scripted : Number.NaN,
    scriptedUnder2sShare: scripted ? under2 / scripted : Number.NaN,
  };
}

/**
 * Share of the positive clips of {@link horizonClips} that end before their hazard was
 * observable: no model, and no FCW, can rank those above conflict-free moments except by luck.
 */
export function blindPositiveShare(scenarios: readonly Scenario[], horizonS: number): number {
  let pos = 0;
  let blind = 0;
  for (const s of scenarios) {
    for (const onset of s.conflictOnsetsS) {
      const i = frameAt(s.frames, onset - horizonS);
      if (i < 0 || s.frames[i]!.tS < 2 || s.inConflict[i]) continue;
      pos++;
      if (s.hazardVisibleS !== undefined && s.frames[i]!.tS < s.hazardVisibleS) blind++;
    }
  }
  return pos ? blind / pos : Number.NaN;
}

/**
 * The AP a model would reach that ranks every observable positive clip above everything and the
 * blind ones (share `blindShare`, see {@link blindPositiveShare}) at random among as many negative
 * clips: what the AP target can be held against. Seeded, so the same inputs give the same figure.
 */
export function apCeiling(positives: number, blindShare: number, seed: string): number {
  const r = createSeededRandom(`${seed}:ap-ceiling`);
  const blind = Math.round(positives * blindShare);
  const scores: number[] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < positives; i++) {
    scores.push(i < blind ? r.next() : 2);
    labels.push(1);
  }
  for (let i = 0; i < positives; i++) {
    scores.push(r.next());
    labels.push(0);
  }
  return averagePrecision(scores, labels);
}
