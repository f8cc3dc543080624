import { describe, expect, it } from 'vitest';
import {
  alertFigures,
  apCeiling,
  averagePrecision,
  blindPositiveShare,
  fcwScore,
  foresightCeiling,
  rocAuc,
} from './evaluate.ts';
import type { Scenario, ScenarioKind } from './scenarios.ts';

/** A hand-made 30 s drive at 10 Hz: 20 m behind a lead at the same speed unless `closing` says otherwise. */
function drive(kind: ScenarioKind, extra: Partial<Scenario> = {}, closing = (_tS: number) => 0): Scenario {
  const n = 300;
  const frames = Array.from({ length: n }, (_, i) => ({
    tS: (i + 1) / 10,
    egoSpeedMps: 10,
    egoAccelMps2: 0,
    leadGapM: 20,
    leadClosingMps: closing((i + 1) / 10),
  }));
  return {
    kind,
    frameHz: 10,
    frames,
    inConflict: frames.map(() => false),
    conflictOnsetsS: [],
    collided: false,
    minTrueTtcS: Number.POSITIVE_INFINITY,
    distracted: false,
    truth: {
      gapM: new Float32Array(n).fill(20),
      closingMps: Float32Array.from(frames, (f) => f.leadClosingMps),
      egoSpeedMps: new Float32Array(n).fill(10),
    },
    ...extra,
  };
}

describe('BADAS evaluation figures', () => {
  it('gives AP 1 and AUC 1 to a perfect ranking', () => {
    expect(averagePrecision([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
  });

  it('computes AP step-wise over the precision–recall curve', () => {
    // Ranked: 1, 0, 1 → precision 1 at recall 0.5, 2/3 at recall 1: AP = 0.5 + 0.5·2/3.
    expect(averagePrecision([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo(0.5 + 1 / 3, 10);
  });

  it('counts tied scores as half in AUC', () => {
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
  });

  it('scores the FCW baseline 1 exactly at TTC 2.7 s and 0 without a closing lead', () => {
    expect(
      fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0, leadGapM: 27, leadClosingMps: 10 }),
    ).toBeCloseTo(1, 10);
    expect(fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0, leadGapM: 27, leadClosingMps: -1 })).toBe(0);
    expect(fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0 })).toBe(0);
  });

  it('bounds the warning time by when each scripted hazard became observable', () => {
    const c = foresightCeiling([
      drive('lead_brake', { conflictOnsetsS: [10], hazardVisibleS: 8.5 }),
      drive('stopped_ahead', { conflictOnsetsS: [20], hazardVisibleS: 10 }),
      drive('stop_and_go', { conflictOnsetsS: [15] }),
    ]);
    expect(c.scriptedMeanS).toBeCloseTo((1.5 + 5) / 2, 10);
    expect(c.meanS).toBeCloseTo((1.5 + 5 + 5) / 3, 10);
    expect(c.scriptedUnder2sShare).toBe(0.5);
  });

  it('counts the positive clips that end before their hazard could be seen', () => {
    const xs = [
      drive('cut_in', { conflictOnsetsS: [10], hazardVisibleS: 9.8 }),
      drive('lead_brake', { conflictOnsetsS: [10], hazardVisibleS: 5 }),
    ];
    expect(blindPositiveShare(xs, 0.5)).toBe(0.5);
    expect(blindPositiveShare(xs, 0.1)).toBe(0);
  });

  it('tells warnings with nothing close in truth from warnings in a true approach', () => {
    const point = { raiseAt: 0.5, raiseHoldS: 0, clearAt: 0.2, clearHoldS: 1 };
    // One warning at 5 s in each drive; the second drive's true TTC then falls to 20/11 ≈ 1.8 s.
    const score = (s: Scenario) => ({
      scenario: s,
      model: Float32Array.from(s.frames, (f) => (f.tS >= 5 && f.tS < 6 ? 0.9 : 0)),
      baseline: new Float32Array(s.frames.length),
    });
    const calm = drive('following');
    const close = drive('following', {}, (t) => (t > 7 && t < 8 ? 11 : 0));
    const f = alertFigures([score(calm), score(close)], 'model', point);
    const hours = (2 * 29.9) / 3600;
    expect(f.falseAlarmsPerH).toBeCloseTo(2 / hours, 6);
    expect(f.clearNuisancePerH).toBeCloseTo(1 / hours, 6);
  });

  it('bounds AP by the clips no model can see coming', () => {
    expect(apCeiling(200, 0, 't')).toBe(1);
    // All blind: a random ranking of balanced clips gives about the positive share.
    expect(apCeiling(2000, 1, 't')).toBeGreaterThan(0.45);
    expect(apCeiling(2000, 1, 't')).toBeLessThan(0.56);
    expect(apCeiling(400, 0.14, 't')).toBeLessThan(apCeiling(400, 0.05, 't'));
  });
});
