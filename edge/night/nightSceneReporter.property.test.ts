import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { createSeededRandom } from '../core/random.ts';
import { type Leg, randomTrip } from '../testing/randomTrip.ts';
import { DEFAULT_NIGHT_SCENE, NightSceneReporter } from './nightSceneReporter.ts';

const legArb: fc.Arbitrary<Leg> = fc.record({
  turnDeg: fc.integer({ min: -120, max: 120 }),
  speedMps: fc.integer({ min: 3, max: 30 }),
  durationS: fc.integer({ min: 10, max: 120 }),
  brake: fc.boolean(),
});

const START = { lat: 47.3769, lng: 8.5417 };
/** 20:00 UTC in a Zurich December: night. */
const NIGHT_MS = Date.UTC(2024, 11, 10, 20);

describe('NightSceneReporter properties', () => {
  it('never reports from a cell that touches a privacy zone', () => {
    let total = 0;
    fc.assert(
      fc.property(
        fc.record({
          heading: fc.integer({ min: 0, max: 359 }),
          legs: fc.array(legArb, { minLength: 3, maxLength: 14 }),
          zoneDxM: fc.integer({ min: -2000, max: 2000 }),
          zoneDyM: fc.integer({ min: -2000, max: 2000 }),
          zoneRadiusM: fc.integer({ min: 150, max: 900 }),
          fps: fc.constantFrom(5, 15, 30),
          seed: fc.string({ minLength: 1, maxLength: 6 }),
        }),
        (p) => {
          const zone = {
            lat: START.lat + p.zoneDyM / 111_320,
            lng: START.lng + p.zoneDxM / (111_320 * Math.cos((START.lat * Math.PI) / 180)),
            radiusM: p.zoneRadiusM,
          };
          // A one-minute interval, so even short trips report often.
          const config = { ...DEFAULT_NIGHT_SCENE, intervalMs: 60_000, cameraModel: 'm', firmware: '1.0.0' };
          const r = new NightSceneReporter(config, createSeededRandom(p.seed), () => [zone]);
          for (const fix of randomTrip(START, p.heading, p.legs, false, NIGHT_MS)) {
            r.pushFix({ tMs: fix.tMs, lat: fix.lat, lng: fix.lng, speedMps: fix.speedMps ?? 0 });
            for (let f = 0; f < p.fps; f++)
              r.pushStats({
                tMs: fix.tMs + (f * 1000) / p.fps,
                meanLuma: 40,
                noiseSigma: 5,
                exposureMs: 33,
                gain: 12,
              });
          }
          const events = r.takeEvents();
          for (const e of events)
            expect(haversineM(zone.lat, zone.lng, e.lat, e.lng)).toBeGreaterThan(zone.radiusM);
          total += events.length;
        },
      ),
      { numRuns: 60 },
    );
    // Not vacuous: the drives did report, just never from inside a zone.
    expect(total).toBeGreaterThan(20);
  });
});
