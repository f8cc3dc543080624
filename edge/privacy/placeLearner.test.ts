import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { createSeededRandom } from '../core/random.ts';
import { MemoryStorage } from '../core/storage.ts';
import { randomTrip } from '../testing/randomTrip.ts';
import { runDrive } from '../testing/runDrive.ts';
import { DEFAULT_PLACE_LEARNER, PlaceLearner } from './placeLearner.ts';

const DAY = 86_400_000;

describe('PlaceLearner', () => {
  it('learns where a trip starts and ends, and protects both with zones containing them', () => {
    const gps = randomTrip(
      { lat: 48.1, lng: 11.5 },
      45,
      [{ turnDeg: 0, speedMps: 14, durationS: 150, brake: false }],
      false,
    );
    const run = runDrive(gps, []);
    const places = run.pipeline.places.all();
    expect(places).toHaveLength(2);
    const end = gps[gps.length - 1];
    for (const [lat, lng] of [
      [48.1, 11.5],
      [end?.lat ?? 0, end?.lng ?? 0],
    ] as const) {
      expect(places.some((p) => haversineM(p.zone.lat, p.zone.lng, lat, lng) < p.zone.radiusM)).toBe(true);
    }
  });

  it('keeps a place visited twice (home) but forgets a one-off place after its TTL', () => {
    const learner = new PlaceLearner(new MemoryStorage(), createSeededRandom('p'));
    learner.noteDwell(48.1, 11.5, 0);
    learner.noteDwell(48.1001, 11.5001, DAY);
    learner.noteDwell(48.2, 11.6, DAY);
    learner.noteDwell(48.3, 11.7, 20 * DAY);
    const anchors = learner.all().map((p) => [p.anchorLat, p.anchorLng]);
    expect(anchors).toEqual([
      [48.1, 11.5],
      [48.3, 11.7],
    ]);
  });

  it('keeps the same randomised zone across restarts, so offsets cannot be averaged away', () => {
    const storage = new MemoryStorage();
    const first = new PlaceLearner(storage, createSeededRandom('boot-1')).declare(48.1, 11.5, 0);
    const second = new PlaceLearner(storage, createSeededRandom('boot-2')).declare(48.1, 11.5, 0);
    expect(second).toEqual(first);
  });

  it('gives a one-off stop only a small circle on the stop, not a big zone', () => {
    const learner = new PlaceLearner(new MemoryStorage(), createSeededRandom('one-off'));
    learner.noteDwell(48.1, 11.5, 0);
    expect(learner.zones()).toEqual([{ lat: 48.1, lng: 11.5, radiusM: DEFAULT_PLACE_LEARNER.oneOffRadiusM }]);
  });

  it('enforces the randomised zone drawn at the first visit once the place is frequent', () => {
    const learner = new PlaceLearner(new MemoryStorage(), createSeededRandom('frequent'));
    learner.noteDwell(48.1, 11.5, 0);
    const drawn = learner.all()[0]?.zone;
    learner.noteDwell(48.1003, 11.5002, DAY);
    expect(learner.zones()).not.toEqual([drawn]);
    learner.noteDwell(48.0999, 11.4998, 2 * DAY);
    expect(learner.zones()).toEqual([drawn]);
    expect(drawn?.radiusM).toBeGreaterThanOrEqual(DEFAULT_PLACE_LEARNER.zone.minRadiusM);
  });
});
