import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { createSeededRandom } from '../core/random.ts';
import { createZone, DEFAULT_ZONE } from './privacyZones.ts';

describe('createZone', () => {
  it('always contains the place with at least 40 % of the radius to spare', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.string(),
        (lat, lng, seed) => {
          const z = createZone(lat, lng, createSeededRandom(seed));
          expect(haversineM(z.lat, z.lng, lat, lng)).toBeLessThanOrEqual(z.radiusM * 0.6 + 1);
          expect(z.radiusM).toBeGreaterThanOrEqual(DEFAULT_ZONE.minRadiusM);
          expect(z.radiusM).toBeLessThanOrEqual(DEFAULT_ZONE.maxRadiusM);
        },
      ),
    );
  });

  it('does not centre zones on the place (randomised offset and radius per device)', () => {
    const zones = ['a', 'b', 'c', 'd', 'e'].map((s) => createZone(52.5, 13.4, createSeededRandom(s)));
    const offsets = zones.map((z) => haversineM(z.lat, z.lng, 52.5, 13.4));
    expect(Math.max(...offsets)).toBeGreaterThan(30);
    expect(new Set(zones.map((z) => Math.round(z.radiusM))).size).toBe(5);
  });
});
