import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampSchema } from '../../lib/contract/primitives.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { simTimeAt } from './simTime.ts';

describe('sim time', () => {
  it('never runs ahead of the wall clock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1e12, max: 2e12 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        (wallStartMs, offsetMs, elapsedMs, speedup) => {
          const t = simTimeAt(wallStartMs + elapsedMs, {
            wallStartMs,
            simStartMs: wallStartMs - offsetMs,
            speedup,
          });
          expect(t).toBeLessThanOrEqual(wallStartMs + elapsedMs);
          expect(t).toBeGreaterThanOrEqual(wallStartMs - offsetMs);
        },
      ),
    );
  });

  it('runs speedup times faster until it catches up, then follows the wall clock', () => {
    const timeline = { wallStartMs: 1_000_000, simStartMs: 1_000_000 - 1_200_000, speedup: 6 };
    expect(simTimeAt(1_000_000 + 60_000, timeline)).toBe(1_000_000 - 1_200_000 + 360_000);
    expect(simTimeAt(1_000_000 + 600_000, timeline)).toBe(1_600_000);
  });

  it('formats contract timestamps with at most millisecond precision', () => {
    expect(isoOf(Date.UTC(2025, 0, 2, 3, 4, 5, 678) + 0.9)).toBe('2025-01-02T03:04:05.678Z');
    expect(timestampSchema.safeParse(isoOf(0)).success).toBe(true);
  });
});
