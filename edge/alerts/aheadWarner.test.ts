import { describe, expect, it } from 'vitest';
import { AheadWarner, DEFAULT_AHEAD_WARNER, horizonM, type VehicleState } from './aheadWarner.ts';
import type { CachedHazard } from './parseHazards.ts';
import { hazardFixture, pointFrom } from './testing/hazardFixtures.ts';

const SITE = { lat: 52.52, lng: 13.405 };

function at(north: number, east: number): { lat: number; lng: number } {
  return pointFrom(SITE, north, east);
}

function vehicle(north: number, east: number, headingDeg: number, speedMps = 15, tMs = 0): VehicleState {
  return { tMs, ...at(north, east), headingDeg, speedMps };
}

function hazard(overrides: Partial<CachedHazard> = {}): CachedHazard {
  return hazardFixture({ ...SITE, ...overrides });
}

/** Warnings seen while driving east along the site's latitude from `fromEast` to `toEast` metres. */
function driveEast(warner: AheadWarner, hazards: CachedHazard[], fromEast: number, toEast: number, mps = 15) {
  const seen = [];
  for (let e = fromEast, t = 0; e <= toEast; e += mps, t += 1000) {
    seen.push(...warner.update(vehicle(0, e, 90, mps, t), hazards));
  }
  return seen;
}

describe('AheadWarner', () => {
  it('warns about a hazard ahead on the same road and carriageway, with distance and ETA', () => {
    const warnings = new AheadWarner().update(vehicle(0, -500, 90), [hazard()]);
    expect(warnings).toEqual([
      { id: 'h1', kind: 'slowdown_or_obstruction', distanceM: 500, etaS: 33, tMs: 0 },
    ]);
  });

  it('does not warn about a hazard behind the vehicle', () => {
    expect(new AheadWarner().update(vehicle(0, 500, 90), [hazard()])).toEqual([]);
  });

  it('does not warn about a hazard on the other carriageway (its heading 180° off ours)', () => {
    expect(new AheadWarner().update(vehicle(0, 500, 270), [hazard({ headingDeg: 90 })])).toEqual([]);
  });

  it('warns both directions about a hazard without a heading', () => {
    const h = hazard();
    delete h.headingDeg;
    expect(new AheadWarner().update(vehicle(0, 500, 270), [h])).toHaveLength(1);
    expect(new AheadWarner().update(vehicle(0, -500, 90), [h])).toHaveLength(1);
  });

  it('does not warn about a hazard beside the road (bearing 90° off the heading)', () => {
    // Hazard 300 m due north of a vehicle heading east.
    expect(new AheadWarner().update(vehicle(-300, 0, 90), [hazard()])).toEqual([]);
  });

  it('does not warn about a hazard beyond the time horizon until the vehicle is closer', () => {
    const warner = new AheadWarner();
    // 15 m/s × 60 s = 900 m.
    expect(warner.update(vehicle(0, -1200, 90), [hazard()])).toEqual([]);
    expect(warner.update(vehicle(0, -950, 90), [hazard()])).toEqual([]);
    expect(warner.update(vehicle(0, -880, 90), [hazard()])).toHaveLength(1);
  });

  it('scales the horizon with speed between 150 m and 2 km', () => {
    expect(horizonM(0)).toBe(150);
    expect(horizonM(15)).toBe(900);
    expect(horizonM(40)).toBe(2000);
    const slow = new AheadWarner().update(vehicle(0, -140, 90, 0), [hazard()]);
    expect(slow).toEqual([{ id: 'h1', kind: 'slowdown_or_obstruction', distanceM: 140, etaS: null, tMs: 0 }]);
    expect(new AheadWarner().update(vehicle(0, -2100, 90, 40), [hazard()])).toEqual([]);
  });

  it('warns once per approach while driving past the hazard', () => {
    const warnings = driveEast(new AheadWarner(), [hazard()], -1500, 600);
    expect(warnings.map((w) => w.id)).toEqual(['h1']);
    expect(warnings[0]?.distanceM).toBeLessThanOrEqual(900);
  });

  it('does not warn again when heading jitter takes the hazard out of the cone and back', () => {
    const warner = new AheadWarner();
    expect(warner.update(vehicle(0, -600, 90), [hazard()])).toHaveLength(1);
    expect(warner.update(vehicle(0, -590, 140), [hazard()])).toEqual([]);
    expect(warner.update(vehicle(0, -580, 90), [hazard()])).toEqual([]);
  });

  it('warns again on a new approach once the hazard was passed', () => {
    const warner = new AheadWarner();
    expect(driveEast(warner, [hazard()], -1000, 300)).toHaveLength(1);
    // Loop back round the block and come down the same road again.
    expect(warner.update(vehicle(0, -1000, 90), [hazard()])).toEqual([]);
    expect(driveEast(warner, [hazard()], -1000, 0)).toHaveLength(1);
  });

  it('warns about a hazard just ahead but offset to the side by a cell-centre error', () => {
    // 40 m ahead, 25 m to the right: 32° off the heading, still on our road.
    const h = hazard({ ...at(-25, 40) });
    expect(new AheadWarner().update(vehicle(0, 0, 90), [h])).toHaveLength(1);
  });

  it('lists several new warnings nearest first', () => {
    const far = hazard({ id: 'far', ...at(0, 400) });
    const near = hazard({ id: 'near', ...at(0, 200) });
    const ids = new AheadWarner().update(vehicle(0, 0, 90), [far, near]).map((w) => w.id);
    expect(ids).toEqual(['near', 'far']);
  });

  it('forgets hazards that left the data, keeping its memory bounded', () => {
    const warner = new AheadWarner(DEFAULT_AHEAD_WARNER);
    warner.update(vehicle(0, -500, 90), [hazard()]);
    expect(warner.disarmed).toBe(1);
    warner.update(vehicle(0, -480, 90), []);
    expect(warner.disarmed).toBe(0);
  });
});
