import { describe, expect, it } from 'vitest';
import { realismFigures } from './realism.ts';
import { generateScenario, generateScenarioSet } from './scenarios.ts';

describe('BADAS generator realism (normal driving)', () => {
  it('keeps naturalistic time headways and rarely comes within TTC 3 s while following', () => {
    const f = realismFigures(generateScenarioSet('realism-follow', 40, { following: 1 }));
    // Naturalistic car following: most time headways between about 1 and 2.5 s (Vogel 2003).
    expect(f.headwayS[1]).toBeGreaterThan(1);
    expect(f.headwayS[1]).toBeLessThan(2.5);
    expect(f.headwayS[0]).toBeGreaterThan(0.6);
    expect(f.ttcUnder3Share).toBeLessThan(0.01);
  });

  it('does not crash in routine stop-and-go waves', () => {
    const waves = generateScenarioSet('realism-waves', 40, { stop_and_go: 1 });
    expect(waves.filter((s) => s.collided)).toEqual([]);
  });

  it('measures headway and TTC dips on the true kinematics', () => {
    const s = generateScenario('following', 'realism:1');
    // A hand-made drive: 20 m behind at 10 m/s (2 s headway), closing at 10 m/s for one frame (TTC 2 s).
    const n = 10;
    const drive = {
      ...s,
      frameHz: 10,
      truth: {
        gapM: new Float32Array(n).fill(20),
        closingMps: Float32Array.from({ length: n }, (_, i) => (i === 5 ? 10 : 0)),
        egoSpeedMps: new Float32Array(n).fill(10),
      },
    };
    const f = realismFigures([drive]);
    expect(f.headwayS[1]).toBeCloseTo(2, 5);
    expect(f.dipsUnder2_6PerH.fast).toBeCloseTo(1 / ((n * 0.1) / 3600), 3);
    expect(f.dipsUnder2PerH.fast).toBe(0);
    expect(f.ttcUnder3Share).toBeCloseTo(0.1, 5);
  });

  it('says when a scripted hazard became observable', () => {
    const brake = generateScenario('lead_brake', 'realism:2');
    expect(brake.hazardVisibleS).toBeGreaterThan(7);
    const stopped = generateScenario('stopped_ahead', 'realism:3');
    expect(stopped.hazardVisibleS).toBe(stopped.frames.find((f) => f.leadGapM !== undefined)?.tS);
    expect(generateScenario('following', 'realism:4').hazardVisibleS).toBeUndefined();
  });
});
