import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { minDistanceToCellM, runDevice, type Uploaded } from '../../test/real/privacyEvaluation.ts';
import { type Leg, randomTrip } from '../testing/randomTrip.ts';
import { DEFAULT_PLACE_LEARNER } from './placeLearner.ts';
import { DEFAULT_REDACTOR } from './redactor.ts';

const HOME = { lat: 47.3769, lng: 8.5417 };
const DAY_MS = 86_400_000;

const legArb: fc.Arbitrary<Leg> = fc.record({
  turnDeg: fc.integer({ min: -120, max: 120 }),
  speedMps: fc.integer({ min: 6, max: 25 }),
  durationS: fc.integer({ min: 5, max: 60 }),
  brake: fc.boolean(),
});

/** Several days, each a round trip from home (the place the device must learn by itself). */
const daysArb = fc.record({
  days: fc.array(
    fc.record({
      heading: fc.integer({ min: 0, max: 359 }),
      legs: fc.array(legArb, { minLength: 2, maxLength: 10 }),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  seed: fc.string({ minLength: 1, maxLength: 8 }),
});

type DaysCase = typeof daysArb extends fc.Arbitrary<infer T> ? T : never;

function drive(p: DaysCase): Uploaded {
  const recordings = p.days.map((d, i) =>
    randomTrip(HOME, d.heading, d.legs, true, Date.UTC(2024, 2, 4, 8) + i * DAY_MS),
  );
  return runDevice(recordings, {}, p.seed);
}

function allCells(up: Uploaded): { cell: string; tsMs: number }[] {
  return up.trips.flatMap((t) => t.path);
}

describe('redaction of learned places over random multi-day driving', () => {
  it('uploads most of a long round trip, so the properties below have something to check', () => {
    const legs: Leg[] = [
      { turnDeg: 0, speedMps: 15, durationS: 120, brake: false },
      { turnDeg: 40, speedMps: 15, durationS: 90, brake: false },
    ];
    const up = drive({
      days: [
        { heading: 90, legs },
        { heading: 200, legs },
      ],
      seed: 's',
    });
    expect(up.trips.length).toBe(2);
    expect(allCells(up).length).toBeGreaterThan(40);
  });

  it('never uploads any part of a path cell inside a zone the device already held', () => {
    fc.assert(
      fc.property(daysArb, (p) => {
        const up = drive(p);
        // Path times are floored to the minute: a cell stamped a minute after the zone
        // appeared was released after it.
        for (const c of allCells(up))
          for (const z of up.zones)
            if (z.sinceMs + 60_000 <= c.tsMs && c.tsMs < z.untilMs)
              expect(minDistanceToCellM(c.cell, z.zone.lat, z.zone.lng)).toBeGreaterThan(z.zone.radiusM);
      }),
      { numRuns: 40 },
    );
  });

  it('never uploads any part of a cell within 100 m of home, from the first day on', () => {
    fc.assert(
      fc.property(daysArb, (p) => {
        for (const c of allCells(drive(p)))
          expect(minDistanceToCellM(c.cell, HOME.lat, HOME.lng)).toBeGreaterThan(100);
      }),
      { numRuns: 40 },
    );
  });

  it('begins and ends every uploaded trip beyond the minimum trim past home’s zone or circle', () => {
    // The home is inside its circle or zone with at least min(oneOffRadiusM, minInsideM) to the
    // edge, and a trip's first and last cells are clear of that edge by the trim.
    const marginM =
      Math.min(DEFAULT_PLACE_LEARNER.oneOffRadiusM, DEFAULT_PLACE_LEARNER.zone.minInsideM) +
      DEFAULT_REDACTOR.minTrimM;
    fc.assert(
      fc.property(daysArb, (p) => {
        for (const t of drive(p).trips) {
          for (const end of [t.path[0], t.path[t.path.length - 1]])
            if (end) expect(minDistanceToCellM(end.cell, HOME.lat, HOME.lng)).toBeGreaterThan(marginM);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives a home visited every day its randomised zone, centred at least minOffsetM off it', () => {
    fc.assert(
      fc.property(daysArb, (p) => {
        const big = drive(p).zones.filter((z) => z.zone.radiusM >= DEFAULT_PLACE_LEARNER.zone.minRadiusM);
        expect(big.length).toBeGreaterThan(0);
        for (const z of big)
          expect(haversineM(z.zone.lat, z.zone.lng, HOME.lat, HOME.lng)).toBeGreaterThanOrEqual(
            DEFAULT_PLACE_LEARNER.zone.minOffsetM - 1,
          );
      }),
      { numRuns: 10 },
    );
  });
});
