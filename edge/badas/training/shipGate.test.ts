import { describe, expect, it } from 'vitest';
import { createPortableBadasScorer } from '../badasScorer.ts';
import { readBadasModel } from '../modelFile.ts';
import { NORMAL_MIX } from './datasets.ts';
import { type Mlp, trainMlp } from './mlp.ts';
import { mlpFromOnnx } from './mlpFromOnnx.ts';
import { generateScenarioSet, HELD_OUT_MIX } from './scenarios.ts';
import { DEFAULT_SHIP_GATE, shipGate } from './shipGate.ts';
import { scoreDrives, TRAIN_OPTIONS, trainingSamples } from './trainRecipe.ts';

const bytes = readBadasModel();
const point = createPortableBadasScorer(bytes).operatingPoint;
const current = mlpFromOnnx(bytes);
const heldOut = [
  ...generateScenarioSet('gate-test-hazards', 120, HELD_OUT_MIX),
  ...generateScenarioSet('gate-test-normal', 40, NORMAL_MIX),
];
const gate = { ...DEFAULT_SHIP_GATE, resamples: 200 };

/** A model trained on synthetic samples whose labels were shuffled: it learned noise. */
function shuffledLabelModel(): Mlp {
  const { xs, ys } = trainingSamples(generateScenarioSet('gate-test-train', 60, HELD_OUT_MIX));
  const shuffled = ys.map((_, i) => ys[(i * 7919) % ys.length]!);
  return trainMlp(xs, shuffled, { ...TRAIN_OPTIONS, epochs: 2 });
}

describe('shipGate', () => {
  const worse = shuffledLabelModel();
  const scoredCurrent = scoreDrives(heldOut, current);
  const scoredWorse = scoreDrives(heldOut, worse);

  it('refuses a candidate trained on shuffled labels', () => {
    const d = shipGate(scoredCurrent, scoredWorse, { current: point, candidate: point }, gate);
    expect(d.ships).toBe(false);
    expect(d.apAtHorizon.delta).toBeLessThan(0);
  });

  it('refuses a candidate that is the current model again: no gain beyond the noise', () => {
    const d = shipGate(
      scoredCurrent,
      scoreDrives(heldOut, current),
      { current: point, candidate: point },
      gate,
    );
    expect(d.ships).toBe(false);
    expect(d.apAtHorizon.delta).toBe(0);
  });

  it('lets a clearly better candidate through', () => {
    const d = shipGate(scoredWorse, scoredCurrent, { current: point, candidate: point }, gate);
    expect(d.apAtHorizon.deltaLow).toBeGreaterThan(0);
    expect(d.ships).toBe(true);
  });

  it('refuses a better-ranking candidate whose false alarms exceed the budget', () => {
    const nagging = { raiseAt: 0.05, raiseHoldS: 0, clearAt: 0.02, clearHoldS: 1 };
    const d = shipGate(scoredWorse, scoredCurrent, { current: point, candidate: nagging }, gate);
    expect(d.ships).toBe(false);
    expect(d.falseAlarmsPerH.candidate).toBeGreaterThan(DEFAULT_SHIP_GATE.falseAlarmBudgetPerH);
  });
});
