import fc from 'fast-check';
import { cellToBoundary } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent, TripEvent } from '../../lib/contract/events.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { type Leg, randomTrip } from '../testing/randomTrip.ts';
import { runDrive } from '../testing/runDrive.ts';
import type { PrivacyZone } from './privacyZones.ts';
import { DEFAULT_REDACTOR } from './redactor.ts';

const legArb: fc.Arbitrary<Leg> = fc.record({
  turnDeg: fc.integer({ min: -120, max: 120 }),
  speedMps: fc.integer({ min: 6, max: 25 }),
  durationS: fc.integer({ min: 5, max: 60 }),
  brake: fc.boolean(),
});

const tripArb = fc.record({
  // Home somewhere near where the trip starts (inside its own zone or near it).
  homeDxM: fc.integer({ min: -300, max: 300 }),
  homeDyM: fc.integer({ min: -300, max: 300 }),
  heading: fc.integer({ min: 0, max: 359 }),
  legs: fc.array(legArb, { minLength: 2, maxLength: 12 }),
  returnHome: fc.boolean(),
  seed: fc.string({ minLength: 1, maxLength: 8 }),
});

const START = { lat: 47.3769, lng: 8.5417 };

type TripCase = typeof tripArb extends fc.Arbitrary<infer T> ? T : never;

function run(p: TripCase, sharing = true) {
  const home = {
    lat: START.lat + p.homeDyM / 111_320,
    lng: START.lng + p.homeDxM / (111_320 * Math.cos((START.lat * Math.PI) / 180)),
  };
  const gps = randomTrip(START, p.heading, p.legs, p.returnHome);
  const r = runDrive(gps, [], { declaredPlaces: [home], networkSharing: sharing }, p.seed);
  const declared = r.pipeline.places
    .all()
    .filter((pl) => pl.declared)
    .map((pl) => pl.zone);
  const events = r.bodies.flatMap((b) => (JSON.parse(b) as { events: TelemetryEvent[] }).events);
  return { r, declared, events };
}

function minVertexDistanceM(cell: string, z: PrivacyZone): number {
  return Math.min(...cellToBoundary(cell).map(([lat, lng]) => haversineM(z.lat, z.lng, lat, lng)));
}

describe('redaction properties over random trips and zones', () => {
  it('emits path and events for a long trip, so the properties below have something to check', () => {
    const legs: Leg[] = [
      { turnDeg: 0, speedMps: 15, durationS: 120, brake: true },
      { turnDeg: 30, speedMps: 15, durationS: 60, brake: false },
    ];
    const { events } = run({ homeDxM: 0, homeDyM: 0, heading: 90, legs, returnHome: true, seed: 's' });
    expect(events.reduce((n, e) => n + (e.type === 'trip' ? e.path.length : 0), 0)).toBeGreaterThan(20);
    expect(events.filter((e) => e.type === 'hard_brake').length).toBeGreaterThan(0);
  });

  it('never emits an event coordinate or any part of a path cell inside a privacy zone', () => {
    fc.assert(
      fc.property(tripArb, (p) => {
        const { declared, events } = run(p);
        for (const e of events) {
          for (const z of declared) {
            expect(haversineM(z.lat, z.lng, e.lat, e.lng)).toBeGreaterThan(z.radiusM);
            if (e.type === 'trip')
              for (const c of e.path) expect(minVertexDistanceM(c.cell, z)).toBeGreaterThan(z.radiusM);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('never begins or ends a trip path within a zone grown by the minimum trim', () => {
    fc.assert(
      fc.property(tripArb, (p) => {
        const { declared, events } = run(p);
        const trips = new Map<string, TripEvent[]>();
        for (const e of events)
          if (e.type === 'trip') trips.set(e.tripId, [...(trips.get(e.tripId) ?? []), e]);
        for (const segs of trips.values()) {
          const path = segs.sort((a, b) => a.seq - b.seq).flatMap((s) => s.path);
          const first = path[0];
          const last = path[path.length - 1];
          if (!first || !last) continue;
          for (const z of declared) {
            expect(minVertexDistanceM(first.cell, z)).toBeGreaterThan(z.radiusM + DEFAULT_REDACTOR.minTrimM);
            expect(minVertexDistanceM(last.cell, z)).toBeGreaterThan(z.radiusM + DEFAULT_REDACTOR.minTrimM);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the upload queue empty when network sharing is off', () => {
    fc.assert(
      fc.property(tripArb, (p) => {
        const { r } = run(p, false);
        expect(r.pipeline.queue.length).toBe(0);
        expect(r.storage.get('edge/q/meta')).toBeUndefined();
      }),
      { numRuns: 25 },
    );
  });
});
