import { describe, expect, it } from 'vitest';
import { BADAS_FEATURE_COUNT, BADAS_FEATURE_NAMES, BadasFeatureWindow } from './features.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';

/** Ego at 20 m/s closing on a lead at 12 m/s from 60 m, sampled at `hz`, for `seconds`. */
function approach(hz: number, seconds: number): LeadKinematicsFrame[] {
  return Array.from({ length: Math.round(hz * seconds) }, (_, i) => {
    const t = (i + 1) / hz;
    return { tS: t, egoSpeedMps: 20, egoAccelMps2: 0, leadGapM: 60 - 8 * t, leadClosingMps: 8 };
  });
}

function last(frames: LeadKinematicsFrame[]): Float32Array {
  const w = new BadasFeatureWindow();
  let x: Float32Array = new Float32Array(0);
  for (const f of frames) x = w.push(f);
  return x;
}

describe('BADAS feature window', () => {
  it('gives one value per named feature', () => {
    expect(last(approach(10, 3)).length).toBe(BADAS_FEATURE_COUNT);
    expect(BADAS_FEATURE_NAMES.length).toBe(BADAS_FEATURE_COUNT);
  });

  it('gives the same features for the same motion at 5 Hz and at 30 Hz', () => {
    const slow = last(approach(5, 3));
    const fast = last(approach(30, 3));
    slow.forEach((v, i) => {
      expect(fast[i]).toBeCloseTo(v, 1);
    });
  });

  it('reads inverse TTC from gap and closing speed', () => {
    const x = last(approach(10, 3));
    const invTtc = x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]!;
    // At t = 3 s the gap is 36 m and closing 8 m/s: TTC 4.5 s.
    expect(invTtc).toBeCloseTo(8 / 36, 2);
  });

  it('shows no lead and no risk on an empty road', () => {
    const x = last(Array.from({ length: 30 }, (_, i) => ({ tS: i / 10, egoSpeedMps: 25, egoAccelMps2: 0 })));
    expect(x[BADAS_FEATURE_NAMES.indexOf('lead_now')]).toBe(0);
    expect(x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]).toBe(0);
    expect(x[BADAS_FEATURE_NAMES.indexOf('predicted_ttc_margin')]).toBe(1);
  });

  it('refuses time going backwards and negative gaps', () => {
    const w = new BadasFeatureWindow();
    w.push({ tS: 1, egoSpeedMps: 10, egoAccelMps2: 0 });
    expect(() => w.push({ tS: 1, egoSpeedMps: 10, egoAccelMps2: 0 })).toThrow(
      expect.objectContaining({ code: 'BAD_FRAME' }),
    );
    expect(() => w.push({ tS: 2, egoSpeedMps: 10, egoAccelMps2: 0, leadGapM: -1 })).toThrow(
      expect.objectContaining({ code: 'BAD_FRAME' }),
    );
  });
});
