import { describe, expect, it } from 'vitest';
import type { LeadKinematicsFrame } from './kinematics.ts';
import { DEFAULT_NEAR_MISS, NearMissDetector, type NearMissEpisode } from './nearMiss.ts';

function episodes(frames: LeadKinematicsFrame[]): NearMissEpisode[] {
  const d = new NearMissDetector(DEFAULT_NEAR_MISS);
  const out: NearMissEpisode[] = [];
  for (const f of frames) {
    const e = d.push(f);
    if (e) out.push(e);
  }
  const last = d.flush();
  if (last) out.push(last);
  return out;
}

/** 10 Hz frames with a gap and closing speed given per time. */
function frames(
  seconds: number,
  at: (t: number) => { gap?: number; closing?: number },
): LeadKinematicsFrame[] {
  return Array.from({ length: seconds * 10 }, (_, i) => {
    const t = i / 10;
    const { gap, closing } = at(t);
    const f: LeadKinematicsFrame = { tS: t, egoSpeedMps: 10, egoAccelMps2: 0 };
    if (gap !== undefined) f.leadGapM = gap;
    if (closing !== undefined) f.leadClosingMps = closing;
    return f;
  });
}

describe('near-miss detector', () => {
  it('reports one episode with its minimum TTC for one close approach', () => {
    const e = episodes(
      frames(10, (t) =>
        t >= 3 && t < 5 ? { gap: 6 + Math.abs(t - 4), closing: 6 } : { gap: 30, closing: 0 },
      ),
    );
    expect(e).toHaveLength(1);
    expect(e[0]!.startS).toBeCloseTo(3, 5);
    expect(e[0]!.minTtcS).toBeCloseTo(1, 5);
  });

  it('ignores a one-frame glitch in range or range rate', () => {
    expect(
      episodes(
        frames(10, (t) => (Math.abs(t - 4) < 0.05 ? { gap: 3, closing: 8 } : { gap: 30, closing: 1 })),
      ),
    ).toEqual([]);
  });

  it('keeps a TTC hovering around 1.5 s as one episode, not many', () => {
    const e = episodes(
      frames(12, (t) =>
        t >= 2 && t < 8 ? { gap: 7 + (Math.floor(t * 10) % 3 === 0 ? 3 : 0), closing: 5 } : { gap: 40 },
      ),
    );
    expect(e).toHaveLength(1);
  });

  it('counts nothing without a closing lead', () => {
    expect(episodes(frames(10, () => ({ gap: 2, closing: 0.2 })))).toEqual([]);
    expect(episodes(frames(10, () => ({})))).toEqual([]);
  });
});
