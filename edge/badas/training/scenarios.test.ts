import { describe, expect, it } from 'vitest';
import {
  frameLabels,
  generateScenario,
  generateScenarioSet,
  LABEL_HORIZON_S,
  TRAINING_MIX,
} from './scenarios.ts';

describe('BADAS scenario generator', () => {
  it('reproduces a drive exactly from its seed', () => {
    const a = generateScenario('cut_in', 'repro:1');
    const b = generateScenario('cut_in', 'repro:1');
    const c = generateScenario('cut_in', 'repro:2');
    expect(b).toEqual(a);
    expect(c.frames).not.toEqual(a.frames);
  });

  it('samples at a camera rate between 5 and 30 Hz with increasing times', () => {
    for (const s of generateScenarioSet('rates', 20, TRAINING_MIX)) {
      expect(s.frameHz).toBeGreaterThanOrEqual(5);
      expect(s.frameHz).toBeLessThanOrEqual(30);
      for (let i = 1; i < s.frames.length; i++) expect(s.frames[i]!.tS).toBeGreaterThan(s.frames[i - 1]!.tS);
    }
  });

  it('labels exactly the frames within 3 s before a conflict starts, and skips frames inside one', () => {
    const s = generateScenarioSet('labels', 60, { lead_brake: 1 }).find((x) => x.conflictOnsetsS.length > 0)!;
    const labels = frameLabels(s);
    const onset = s.conflictOnsetsS[0]!;
    s.frames.forEach((f, i) => {
      if (s.inConflict[i]) expect(labels[i]).toBeUndefined();
      else if (f.tS < onset && onset - f.tS <= LABEL_HORIZON_S) expect(labels[i]).toBe(1);
      else if (f.tS < onset - LABEL_HORIZON_S) expect(labels[i]).toBe(0);
    });
  });

  it('produces conflicts mostly when the driver looks away, not in calm following', () => {
    const calm = generateScenarioSet('calm', 40, { following: 1 });
    const braking = generateScenarioSet('brake', 80, { lead_brake: 1 });
    expect(calm.filter((s) => s.conflictOnsetsS.length > 0).length).toBeLessThanOrEqual(2);
    const rate = (xs: typeof braking) =>
      xs.filter((s) => s.conflictOnsetsS.length > 0).length / Math.max(xs.length, 1);
    expect(rate(braking.filter((s) => s.distracted))).toBeGreaterThan(
      rate(braking.filter((s) => !s.distracted)),
    );
  });

  it('hides the lead sometimes: missed detections and no range rate on a new track', () => {
    const s = generateScenario('following', 'noise:3');
    const withLead = s.frames.filter((f) => f.leadGapM !== undefined).length;
    expect(withLead).toBeGreaterThan(s.frames.length * 0.5);
    expect(withLead).toBeLessThan(s.frames.length);
  });
});
