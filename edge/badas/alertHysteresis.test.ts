import { describe, expect, it } from 'vitest';
import { AlertHysteresis } from './alertHysteresis.ts';

const POINT = { raiseAt: 0.6, raiseHoldS: 0.2, clearAt: 0.3, clearHoldS: 1 };

/** Feeds `scores` at `hz` and returns the frames where the alert changed. */
function changes(scores: number[], hz = 10): { tS: number; active: boolean }[] {
  const h = new AlertHysteresis(POINT);
  const out: { tS: number; active: boolean }[] = [];
  scores.forEach((s, i) => {
    const step = h.update(i / hz, s);
    if (step.changed) out.push({ tS: i / hz, active: step.active });
  });
  return out;
}

describe('alert hysteresis', () => {
  it('raises only after the score holds above the raise threshold for the hold time', () => {
    expect(changes([0.9, 0.1, 0.9, 0.1, 0.9])).toEqual([]);
    expect(changes([0.1, 0.9, 0.9, 0.9])).toEqual([{ tS: 0.3, active: true }]);
  });

  it('never chatters when the score hovers around one threshold', () => {
    const hovering = Array.from({ length: 300 }, (_, i) => 0.6 + (i % 2 === 0 ? 0.05 : -0.05));
    const c = changes(hovering);
    expect(c.length).toBeLessThanOrEqual(1);
  });

  it('clears only after the score stays below the clear threshold for the clear hold', () => {
    const scores = [...Array(5).fill(0.9), ...Array(5).fill(0.2), 0.5, ...Array(12).fill(0.2)];
    expect(changes(scores)).toEqual([
      { tS: 0.2, active: true },
      { tS: 2.1, active: false },
    ]);
  });

  it('holds in seconds, so a 5 Hz and a 30 Hz camera raise at the same time', () => {
    const at = (hz: number) =>
      changes(
        Array.from({ length: hz * 2 }, (_, i) => (i / hz >= 1 ? 0.9 : 0.1)),
        hz,
      )[0]?.tS;
    expect(at(5)).toBeCloseTo(1.2, 5);
    expect(at(30)).toBeCloseTo(1.2, 5);
  });
});
