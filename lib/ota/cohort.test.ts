import { describe, expect, it } from 'vitest';
import {
  COHORT_BUCKETS,
  cohortBucket,
  inCandidateCohort,
  ROLLOUT_STAGES_BUCKETS,
  stagePercent,
} from './cohort.ts';

const line = { kind: 'model', name: 'badas' } as const;
const devices = Array.from({ length: 20_000 }, (_, i) => `device-${i}`);

describe('cohorts', () => {
  it('puts a device in the same bucket every time', () => {
    expect(cohortBucket('device-7', line)).toBe(cohortBucket('device-7', line));
  });

  it('spreads devices evenly: each stage holds its share of the fleet within sampling noise', () => {
    const buckets = devices.map((d) => cohortBucket(d, line));
    for (let stage = 0; stage < ROLLOUT_STAGES_BUCKETS.length; stage++) {
      const share = buckets.filter((b) => inCandidateCohort(b, stage)).length / devices.length;
      const expected = stagePercent(stage) / 100;
      expect(Math.abs(share - expected)).toBeLessThan(
        4 * Math.sqrt((expected * (1 - expected)) / devices.length) + 1e-9,
      );
    }
    expect(Math.max(...buckets)).toBeLessThan(COHORT_BUCKETS);
  });

  it('keeps every device of a stage in the next stage (no one flips back)', () => {
    for (const d of devices.slice(0, 2000)) {
      const b = cohortBucket(d, line);
      for (let s = 0; s < ROLLOUT_STAGES_BUCKETS.length - 1; s++)
        if (inCandidateCohort(b, s)) expect(inCandidateCohort(b, s + 1)).toBe(true);
    }
  });

  it('draws a different first 1 % for another artefact line', () => {
    const first = (l: { kind: 'model' | 'isp_profile'; name: string }) =>
      new Set(devices.filter((d) => inCandidateCohort(cohortBucket(d, l), 0)));
    const a = first(line);
    const b = first({ kind: 'isp_profile', name: 'isp-night-cm-a' });
    const overlap = [...a].filter((d) => b.has(d)).length;
    expect(overlap).toBeLessThan(a.size / 4);
  });
});
