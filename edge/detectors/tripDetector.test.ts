import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { randomTrip } from '../testing/randomTrip.ts';
import { TripDetector, type TripSignal } from './tripDetector.ts';

function signals(gps: ReturnType<typeof randomTrip>): TripSignal['kind'][] {
  const d = new TripDetector();
  const kinds: TripSignal['kind'][] = [];
  for (const f of gps)
    for (const s of d.push({ ...f, speedMps: f.speedMps ?? 0, headingDeg: 0, speedDerived: false }))
      kinds.push(s.kind);
  for (const s of d.finish()) kinds.push(s.kind);
  return kinds.filter((k) => k !== 'fix');
}

describe('TripDetector', () => {
  it('starts a trip when the vehicle drives off and ends it after a 3-minute stop', () => {
    const gps = randomTrip(
      { lat: 48, lng: 11 },
      0,
      [{ turnDeg: 0, speedMps: 12, durationS: 60, brake: false }],
      false,
    );
    expect(signals(gps)).toEqual(['start', 'end']);
  });

  it('does not end a trip at a 60 s red light', () => {
    const gps = randomTrip(
      { lat: 48, lng: 11 },
      0,
      [{ turnDeg: 0, speedMps: 12, durationS: 60, brake: false }],
      false,
      Date.UTC(2024, 0, 1),
      60,
    );
    const more = randomTrip(
      { lat: 48.1, lng: 11 },
      0,
      [{ turnDeg: 0, speedMps: 12, durationS: 60, brake: false }],
      false,
      (gps.at(-1)?.tMs ?? 0) + 1000,
    );
    const moreFromLight = more
      .slice(30)
      .map((f) => ({ ...f, lat: f.lat - 0.1 + (gps.at(-1)?.lat ?? 0) - 48 }));
    expect(signals([...gps, ...moreFromLight])).toEqual(['start', 'end']);
  });

  it('reports the start where the vehicle was parked, not at a momentary stop on the way out', () => {
    const gps = randomTrip(
      { lat: 48, lng: 11 },
      0,
      [
        { turnDeg: 0, speedMps: 9, durationS: 8, brake: true },
        { turnDeg: 0, speedMps: 12, durationS: 60, brake: false },
      ],
      false,
    );
    const d = new TripDetector();
    const starts: { lat: number; lng: number }[] = [];
    for (const f of gps)
      for (const s of d.push({ ...f, speedMps: f.speedMps ?? 0, headingDeg: 0, speedDerived: false }))
        if (s.kind === 'start') starts.push(s.at);
    expect(starts).toHaveLength(1);
    expect(haversineM(starts[0]?.lat ?? 0, starts[0]?.lng ?? 0, 48, 11)).toBeLessThan(1);
  });
});
