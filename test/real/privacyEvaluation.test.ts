import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import {
  attackGuesses,
  BEIJING_OFFSET_MS,
  dayEnds,
  densestClusters,
  type LatLng,
  minDistanceToCellM,
  type Uploaded,
} from './privacyEvaluation.ts';

const P = { lat: 39.98, lng: 116.33 };
const M_PER_DEG = 111_320;

function offset(p: LatLng, eastM: number, northM: number): LatLng {
  return {
    lat: p.lat + northM / M_PER_DEG,
    lng: p.lng + eastM / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)),
  };
}

/** Uploads whose trips start and end at the given points (one cell each, 10 min apart). */
function uploadsEndingAt(ends: LatLng[]): Uploaded {
  const trips = [];
  for (let i = 0; i + 1 < ends.length; i += 2) {
    const a = ends[i] as LatLng;
    const b = ends[i + 1] as LatLng;
    const t = Date.UTC(2008, 5, 1 + i, 1);
    trips.push({
      path: [
        { cell: latLngToCell(a.lat, a.lng, 10), tsMs: t },
        { cell: latLngToCell(b.lat, b.lng, 10), tsMs: t + 600_000 },
      ],
    });
  }
  return { trips, events: [], zones: [] };
}

describe('the home-finding attacks of the privacy evaluation', () => {
  it('returns the densest cluster first, at the mean of its points', () => {
    const dense = [0, 20, 40].map((e) => offset(P, e, 0));
    const sparse = [offset(P, 2000, 0)];
    const [top, next] = densestClusters([...sparse, ...dense], 150);
    expect(top?.support).toBe(3);
    expect(haversineM(top?.lat ?? 0, top?.lng ?? 0, P.lat, P.lng)).toBeCloseTo(20, 0);
    expect(next?.support).toBe(1);
  });

  it('splits days at local midnight, not UTC midnight', () => {
    // 23:30 and 00:30 Beijing time are 15:30 and 16:30 UTC on the same UTC day.
    const late = { ...P, tsMs: Date.UTC(2008, 5, 1, 15, 30) };
    const early = { ...offset(P, 500, 0), tsMs: Date.UTC(2008, 5, 1, 16, 30) };
    expect(dayEnds([late, early], BEIJING_OFFSET_MS)).toHaveLength(4);
    expect(dayEnds([late, early], 0)).toHaveLength(2);
  });

  it('fits the centre of a ring of trip ends (what beats a zone centred on the home)', () => {
    const ring = Array.from({ length: 16 }, (_, i) =>
      offset(P, 300 * Math.sin((i * Math.PI) / 8), 300 * Math.cos((i * Math.PI) / 8)),
    );
    const guess = attackGuesses(uploadsEndingAt(ring), BEIJING_OFFSET_MS).trip_ends_ring[0];
    expect(haversineM(guess?.lat ?? 0, guess?.lng ?? 0, P.lat, P.lng)).toBeLessThan(60);
  });

  it('finds a home that trips keep starting and ending at', () => {
    const ends = [0, 1, 2, 3, 4, 5].flatMap((i) => [offset(P, 10 * i, 0), offset(P, 3000, 1000 * i)]);
    const guess = attackGuesses(uploadsEndingAt(ends), BEIJING_OFFSET_MS).trip_ends[0];
    expect(haversineM(guess?.lat ?? 0, guess?.lng ?? 0, P.lat, P.lng)).toBeLessThan(100);
  });
});

describe('minDistanceToCellM', () => {
  const cell = latLngToCell(P.lat, P.lng, 10);
  const [clat, clng] = cellToLatLng(cell);

  it('is 0 inside the cell', () => {
    expect(minDistanceToCellM(cell, clat, clng)).toBe(0);
  });

  it('is the distance to the hexagon, between centre distance minus circumradius and minus inradius', () => {
    const far = offset({ lat: clat, lng: clng }, 0, 1000);
    const d = minDistanceToCellM(cell, far.lat, far.lng);
    // res-10 edge ≈ 66 m: circumradius ≈ 66 m, inradius ≈ 57 m.
    expect(d).toBeGreaterThan(1000 - 80);
    expect(d).toBeLessThan(1000 - 50);
  });
});
