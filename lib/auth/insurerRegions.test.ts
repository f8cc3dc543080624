import { describe, expect, it } from 'vitest';
import { regionsAdmitBox, regionsAdmitPoint } from './insurerRegions.ts';

const PITTSBURGH = [-80.1, 40.3, -79.8, 40.6];
const box = (minLng: number, minLat: number, maxLng: number, maxLat: number) => ({
  minLng,
  minLat,
  maxLng,
  maxLat,
});

describe('insurer regions', () => {
  it('admits a box wholly inside one region', () => {
    expect(regionsAdmitBox([PITTSBURGH], box(-80, 40.4, -79.9, 40.5))).toBe(true);
  });
  it('refuses a box outside every region, and one straddling an edge', () => {
    expect(regionsAdmitBox([PITTSBURGH], box(-74.1, 40.6, -73.9, 40.8))).toBe(false);
    expect(regionsAdmitBox([PITTSBURGH], box(-79.9, 40.5, -79.7, 40.7))).toBe(false);
  });
  it('admits everything for an insurer without regions', () => {
    expect(regionsAdmitBox(undefined, box(-74.1, 40.6, -73.9, 40.8))).toBe(true);
    expect(regionsAdmitBox([], box(-74.1, 40.6, -73.9, 40.8))).toBe(true);
    expect(regionsAdmitPoint(undefined, 0, 0)).toBe(true);
  });
  it('admits nothing through a malformed stored region', () => {
    expect(regionsAdmitBox([[1, 2]], box(0, 0, 1, 1))).toBe(false);
    expect(regionsAdmitPoint([[1, 2]], 0, 0)).toBe(false);
  });
  it('checks a speed-check point against the regions', () => {
    expect(regionsAdmitPoint([PITTSBURGH], 40.44, -79.99)).toBe(true);
    expect(regionsAdmitPoint([PITTSBURGH], 40.71, -74.0)).toBe(false);
  });
});
