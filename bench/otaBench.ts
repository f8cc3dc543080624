/**
 * OTA rollout bench: how fast the rollout controller decides, how often it rolls back a healthy
 * candidate (target ≤ 5 % per rollout), and how often it catches a bad one (1.5× and 2× the
 * control's alert rate), through whole simulated rollouts: stages of 1 %, 10 % and 50 % of a
 * 5,000-camera fleet, the controller looking once per hour of fleet driving, up to 48 looks a stage.
 *
 * The fleet (lib/ota/rolloutSim.ts) drives 60 res-7 cells × 24 hours whose rates differ ~10×
 * (rush hour on busy cells against quiet nights), with Poisson counts, and the candidate cohort
 * leans to busy strata (`skew` 0.5: the cameras that pick up a release first drive the most, in
 * town, at peak hours). The plain baseline beside each figure is the same sequential test on
 * pooled counts (no strata): what comparing the cohorts' overall rates would do.
 */
import { ROLLOUT_STAGES_BUCKETS } from '../lib/ota/cohort.ts';
import type { HealthMetric, Strata } from '../lib/ota/healthCounts.ts';
import { DEFAULT_ROLLOUT_POLICY, decideRollout, type RolloutDecision } from '../lib/ota/rollout.ts';
import { driveFleet, type HealthWorld, healthWorld, pooled } from '../lib/ota/rolloutSim.ts';
import { createPrng } from '../lib/random/prng.ts';
import type { BenchResult } from './types.ts';

const FLEET_CAMERAS = 5_000;
/** One look per hour of fleet driving: every camera on the road for an hour. */
const FLEET_MINUTES_PER_LOOK = FLEET_CAMERAS * 60;
const MAX_LOOKS_PER_STAGE = 48;
/** Candidate cohorts lean to busy strata (see the module comment). */
const SKEW = 0.5;
/** The stages that have a control (the last, 100 %, completes the rollout). */
const STAGE_SHARES = ROLLOUT_STAGES_BUCKETS.slice(0, -1).map((b) => b / 10_000);

type Decide = (candidate: Strata, control: Strata) => RolloutDecision;
const stratified: Decide = (c, k) => decideRollout(c, k);
const pooledDecide: Decide = (c, k) => decideRollout(pooled(c), pooled(k));

type Outcome = 'complete' | 'rolled_back' | 'stalled';
/** How a rollout ended and after how many looks (fleet-hours) in all. */
interface Run {
  outcome: Outcome;
  looks: number;
}

/** One whole rollout: each stage from fresh counts, looks until the decider advances or rolls back. */
function rollout(
  seed: number,
  world: HealthWorld,
  rateRatio: Partial<Record<HealthMetric, number>>,
  decide: Decide,
  skew = SKEW,
): Run {
  const prng = createPrng(seed);
  let looks = 0;
  for (const [stage, share] of STAGE_SHARES.entries()) {
    const into = { candidate: new Map() as Strata, control: new Map() as Strata };
    let advanced = false;
    for (let look = 0; look < MAX_LOOKS_PER_STAGE && !advanced; look++) {
      driveFleet(
        prng.fork(`s${stage}l${look}`),
        world,
        { candidateShare: share, rateRatio, skew },
        FLEET_MINUTES_PER_LOOK,
        into,
      );
      looks += 1;
      const d = decide(into.candidate, into.control);
      if (d.action === 'rollback') return { outcome: 'rolled_back', looks };
      advanced = d.action === 'advance';
    }
    if (!advanced) return { outcome: 'stalled', looks };
  }
  return { outcome: 'complete', looks };
}

function share(runs: Run[], which: Outcome): number {
  return runs.filter((r) => r.outcome === which).length / runs.length;
}

function meanLooks(runs: Run[], which: Outcome): number {
  const hits = runs.filter((r) => r.outcome === which);
  return hits.length ? hits.reduce((a, r) => a + r.looks, 0) / hits.length : Number.NaN;
}

/** A realistic fleet's counts for one decision: a metro's 400 res-7 cells × 24 hours at a 10 % stage. */
function decisionFixture(): { candidate: Strata; control: Strata } {
  const prng = createPrng(7);
  const world = healthWorld(prng.fork('world'), 400, 24);
  const into = { candidate: new Map() as Strata, control: new Map() as Strata };
  driveFleet(
    prng.fork('day'),
    world,
    { candidateShare: 0.1, rateRatio: {}, skew: SKEW },
    10_000 * 60 * 2,
    into,
  );
  return into;
}

function medianMs(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Runs the OTA bench; `rollouts` healthy ones (default 200) and half as many per bad ratio. */
export async function runOtaBench(rollouts = 200): Promise<BenchResult[]> {
  const fixture = decisionFixture();
  const strata = fixture.candidate.size + fixture.control.size;
  const decisionMs = medianMs(() => stratified(fixture.candidate, fixture.control), 21);
  const pooledMs = medianMs(() => pooledDecide(fixture.candidate, fixture.control), 21);

  const world = healthWorld(createPrng(11).fork('world'), 60, 24);
  const run = (
    n: number,
    ratio: Partial<Record<HealthMetric, number>>,
    decide: Decide,
    base: number,
    skew = SKEW,
  ) => Array.from({ length: n }, (_, i) => rollout(base + i, world, ratio, decide, skew));
  const healthy = run(rollouts, {}, stratified, 1_000);
  const healthyPooled = run(rollouts, {}, pooledDecide, 1_000);
  // The baseline's best case: cohorts that drive the same mix of roads and hours.
  const healthyPooledUnskewed = run(rollouts, {}, pooledDecide, 1_000, 0);
  const bad12 = run(rollouts / 2, { alerts: 1.2 }, stratified, 4_000);
  const bad15 = run(rollouts / 2, { alerts: 1.5 }, stratified, 2_000);
  const bad15Pooled = run(rollouts / 2, { alerts: 1.5 }, pooledDecide, 2_000);
  const bad2 = run(rollouts / 2, { alerts: 2 }, stratified, 3_000);
  const bad2Pooled = run(rollouts / 2, { alerts: 2 }, pooledDecide, 3_000);

  const setup = `${FLEET_CAMERAS}-camera fleet, stages 1/10/50 %, a look per fleet-hour (≤ ${MAX_LOOKS_PER_STAGE} a stage), candidate cohort skewed to busy strata (${SKEW})`;
  const policy = `SPRT, harm = ×${DEFAULT_ROLLOUT_POLICY.harmfulRateRatio}, budget ${DEFAULT_ROLLOUT_POLICY.falseRollbackRate} per rollout`;
  return [
    {
      name: 'ota.rollout_decision_ms',
      value: decisionMs,
      unit: 'ms',
      better: 'lower',
      note: `stratified decision on ${strata} strata (400 res-7 cells × 24 h, a 10 % stage of 10,000 cameras), pure, without the DynamoDB reads; pooled baseline ${pooledMs.toFixed(2)} ms`,
    },
    {
      name: 'ota.rollback_false_positive_rate',
      value: share(healthy, 'rolled_back'),
      unit: 'share of healthy rollouts',
      better: 'lower',
      target: 0.05,
      note: `${rollouts} healthy rollouts; ${setup}; ${policy}; pooled baseline ${share(healthyPooled, 'rolled_back').toFixed(3)} (${share(healthyPooledUnskewed, 'rolled_back').toFixed(3)} when both cohorts drive the same mix)`,
    },
    {
      name: 'ota.healthy_completion_rate',
      value: share(healthy, 'complete'),
      unit: 'share of healthy rollouts',
      better: 'higher',
      note: `healthy rollouts reaching 100 % (the rest stalled or were rolled back); pooled baseline ${share(healthyPooled, 'complete').toFixed(3)}`,
    },
    {
      name: 'ota.rollback_detection_rate_1_5x',
      value: share(bad15, 'rolled_back'),
      unit: 'share of bad rollouts',
      better: 'higher',
      note: `${rollouts / 2} rollouts whose candidate alerts 1.5× the control's rate on the same roads; pooled baseline ${share(bad15Pooled, 'rolled_back').toFixed(3)} (it also rolls back healthy ones, above)`,
    },
    {
      name: 'ota.rollback_detection_rate_2x',
      value: share(bad2, 'rolled_back'),
      unit: 'share of bad rollouts',
      better: 'higher',
      note: `${rollouts / 2} rollouts at 2× the control's alert rate; pooled baseline ${share(bad2Pooled, 'rolled_back').toFixed(3)}`,
    },
    {
      name: 'ota.fleet_hours_to_rollback_2x',
      value: meanLooks(bad2, 'rolled_back'),
      unit: 'fleet-hours',
      better: 'lower',
      note: `mean looks (one per hour of fleet driving, all stages) before a 2× candidate was rolled back; 1.5×: ${meanLooks(bad15, 'rolled_back').toFixed(1)}; healthy rollouts took ${meanLooks(healthy, 'complete').toFixed(1)} to complete`,
    },
    {
      name: 'ota.rollback_detection_rate_1_2x',
      value: share(bad12, 'rolled_back'),
      unit: 'share of bad rollouts',
      better: 'higher',
      note: `${rollouts / 2} rollouts at 1.2× (below the ×${DEFAULT_ROLLOUT_POLICY.harmfulRateRatio} the test is built to catch): the edge of its power; ${share(bad12, 'complete').toFixed(3)} completed`,
    },
  ];
}
