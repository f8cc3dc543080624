import { describe, expect, it } from 'vitest';
import type { Detection } from '../detection.ts';
import { averagePrecision, matchDetections } from './detectionMatch.ts';

const det = (score: number, x: number, w = 10): Detection => ({
  className: 'car',
  score,
  box: { x, y: 0, w, h: 10 },
});
const label = (x: number) => ({ x, y: 0, w: 10, h: 10 });

describe('matchDetections', () => {
  it('gives each label to the best-scoring detection only; the duplicate is a false alarm', () => {
    const m = matchDetections([det(0.6, 1), det(0.9, 0)], [label(0)], []);
    expect(m.outcomes).toEqual(['false_alarm', 'hit']);
    expect(m).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 0 });
  });

  it('needs IoU 0.5: a box shifted by half its width misses', () => {
    // Shift 5 of 10: IoU = 50 / 150 = 1/3.
    expect(matchDetections([det(0.9, 5)], [label(0)], []).outcomes).toEqual(['false_alarm']);
  });

  it('neither rewards nor punishes a detection centred in an ignore region', () => {
    const m = matchDetections([det(0.9, 100)], [label(0)], [{ x: 95, y: -5, w: 30, h: 20 }]);
    expect(m).toMatchObject({
      outcomes: ['ignored'],
      truePositives: 0,
      falsePositives: 0,
      falseNegatives: 1,
    });
  });
});

describe('averagePrecision', () => {
  it('is 1 when every label is found before any false alarm', () => {
    const scored = [
      { score: 0.9, outcome: 'hit' as const },
      { score: 0.8, outcome: 'hit' as const },
      { score: 0.1, outcome: 'false_alarm' as const },
    ];
    expect(averagePrecision(scored, 2)).toBe(1);
  });

  it('takes the precision envelope: hit, false alarm, hit over 2 labels is 0.5·1 + 0.5·2/3', () => {
    const scored = [
      { score: 0.9, outcome: 'hit' as const },
      { score: 0.8, outcome: 'false_alarm' as const },
      { score: 0.7, outcome: 'hit' as const },
      { score: 0.6, outcome: 'ignored' as const },
    ];
    expect(averagePrecision(scored, 2)).toBeCloseTo(0.5 + (0.5 * 2) / 3, 12);
  });

  it('caps recall by the labels never found', () => {
    expect(averagePrecision([{ score: 0.9, outcome: 'hit' }], 4)).toBe(0.25);
  });
});
