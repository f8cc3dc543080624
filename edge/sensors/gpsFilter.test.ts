import { describe, expect, it } from 'vitest';
import { GpsFilter } from './gpsFilter.ts';

const T = 1_700_000_000_000;

describe('GpsFilter', () => {
  it('rejects a position jump that implies more than 70 m/s', () => {
    const f = new GpsFilter();
    f.push({ tMs: T, lat: 52.5, lng: 13.4, speedMps: 10 });
    expect(f.push({ tMs: T + 1000, lat: 52.51, lng: 13.4, speedMps: 10 })).toBeUndefined();
    expect(f.push({ tMs: T + 2000, lat: 52.50018, lng: 13.4, speedMps: 10 })).toBeDefined();
  });

  it('rejects null island, out-of-range coordinates and time going backwards', () => {
    const f = new GpsFilter();
    expect(f.push({ tMs: T, lat: 0, lng: 0 })).toBeUndefined();
    expect(f.push({ tMs: T, lat: 95, lng: 0 })).toBeUndefined();
    f.push({ tMs: T, lat: 52.5, lng: 13.4 });
    expect(f.push({ tMs: T - 1000, lat: 52.5, lng: 13.4 })).toBeUndefined();
  });

  it('rejects a speed change beyond tyre grip', () => {
    const f = new GpsFilter();
    f.push({ tMs: T, lat: 52.5, lng: 13.4, speedMps: 10 });
    expect(f.push({ tMs: T + 1000, lat: 52.50009, lng: 13.4, speedMps: 30 })).toBeUndefined();
  });

  it('derives speed and heading from positions over a 1 s baseline when they are missing', () => {
    const f = new GpsFilter();
    f.push({ tMs: T, lat: 52.5, lng: 13.4 });
    const out = f.push({ tMs: T + 1000, lat: 52.5, lng: 13.40015 });
    expect(out?.speedMps).toBeCloseTo(10.2, 0);
    expect(out?.headingDeg).toBeCloseTo(90, 0);
    expect(out?.speedDerived).toBe(true);
  });

  it('starts over after repeated rejections, so one bad anchor cannot block it forever', () => {
    const f = new GpsFilter();
    f.push({ tMs: T, lat: 10, lng: 10 });
    let accepted = 0;
    for (let i = 1; i <= 8; i++) if (f.push({ tMs: T + i * 1000, lat: 52.5, lng: 13.4 })) accepted++;
    expect(accepted).toBeGreaterThan(0);
  });
});
