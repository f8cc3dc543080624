import { describe, expect, it } from 'vitest';
import { createPrng } from '../random/prng.ts';
import type { Strata } from './healthCounts.ts';
import { DEFAULT_ROLLOUT_POLICY, decideRollout, sprtBounds } from './rollout.ts';
import { driveFleet, healthWorld, pooled, type StageScenario } from './rolloutSim.ts';

/** Looks at the stage every `fleetMinutes` of driving until the controller decides (or gives up). */
function runStage(seed: number, scenario: StageScenario, decide = decideRollout, looks = 40) {
  const prng = createPrng(seed);
  const world = healthWorld(prng.fork('world'));
  const into = { candidate: new Map() as Strata, control: new Map() as Strata };
  for (let look = 0; look < looks; look++) {
    driveFleet(prng.fork(`look${look}`), world, scenario, 20_000, into);
    const d = decide(into.candidate, into.control);
    if (d.action !== 'wait') return d;
  }
  return decide(into.candidate, into.control);
}

const healthy: StageScenario = { candidateShare: 0.1, rateRatio: {}, skew: 0 };

describe('decideRollout', () => {
  it('advances a healthy candidate once there is enough shared exposure', () => {
    const d = runStage(1, healthy);
    expect(d.action).toBe('advance');
    expect(d.candidateExposureMin).toBeGreaterThanOrEqual(DEFAULT_ROLLOUT_POLICY.minCandidateExposureMin);
  });

  it('rolls back a candidate whose cameras alert three times as often on the same roads', () => {
    const d = runStage(2, { ...healthy, rateRatio: { alerts: 3 } });
    expect(d.action).toBe('rollback');
    const alerts = d.metrics.find((m) => m.metric === 'alerts')!;
    expect(alerts.verdict).toBe('harmful');
    expect(alerts.rateRatio).toBeGreaterThan(2);
  });

  it('rolls back on a rise in camera errors alone', () => {
    expect(runStage(3, { ...healthy, rateRatio: { errors: 4 } }).action).toBe('rollback');
  });

  it('waits while the candidate has driven too little, even when it looks perfect', () => {
    const candidate: Strata = new Map([
      ['00490000#a', { exposureMin: 100, alerts: 0, nearMisses: 0, errors: 0 }],
    ]);
    const control: Strata = new Map([
      ['00490000#a', { exposureMin: 10_000, alerts: 200, nearMisses: 40, errors: 5 }],
    ]);
    expect(decideRollout(candidate, control).action).toBe('wait');
  });

  it('ignores strata the control never drove (no comparison on other roads)', () => {
    const candidate: Strata = new Map([
      ['00490000#a', { exposureMin: 5_000, alerts: 900, nearMisses: 0, errors: 0 }],
    ]);
    const control: Strata = new Map([
      ['00490000#b', { exposureMin: 5_000, alerts: 10, nearMisses: 0, errors: 0 }],
    ]);
    const d = decideRollout(candidate, control);
    expect(d.sharedStrata).toBe(0);
    expect(d.action).toBe('wait');
  });

  it('is not fooled by a cohort that drives busier roads: stratified advances, pooled rolls back', () => {
    const confounded: StageScenario = { ...healthy, skew: 1 };
    expect(runStage(4, confounded).action).toBe('advance');
    const pooledDecision = runStage(4, confounded, (c, k) => decideRollout(pooled(c), pooled(k)));
    expect(pooledDecision.action).toBe('rollback');
  });

  it('splits the false-rollback budget over stages and metrics', () => {
    const b = sprtBounds(DEFAULT_ROLLOUT_POLICY);
    expect(b.rollback).toBeCloseTo(Math.log(0.8 / (0.05 / 9)), 6);
    expect(b.healthy).toBeLessThan(0);
  });
});
