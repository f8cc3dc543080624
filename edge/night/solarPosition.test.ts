import { describe, expect, it } from 'vitest';
import { isNight, SUNRISE_ELEVATION_DEG, sunElevationDeg, sunPosition } from './solarPosition.ts';

const LONDON = { lat: 51.5074, lng: -0.1278 };
const OSLO = { lat: 59.9139, lng: 10.7522 };
const SYDNEY = { lat: -33.8688, lng: 151.2093 };
const QUITO = { lat: -0.1807, lng: -78.4678 };

/** First minute in [fromMs, fromMs + 24 h) at which the elevation crosses `deg` in the given direction. */
function crossingMs(
  fromMs: number,
  lat: number,
  lng: number,
  rising: boolean,
  deg = SUNRISE_ELEVATION_DEG,
): number {
  let prev = sunElevationDeg(fromMs, lat, lng);
  for (let t = fromMs + 60_000; t < fromMs + 86_400_000; t += 60_000) {
    const e = sunElevationDeg(t, lat, lng);
    if (rising ? prev < deg && e >= deg : prev > deg && e <= deg) return t;
    prev = e;
  }
  throw new Error('no crossing');
}

const minutesApart = (a: number, b: number) => Math.abs(a - b) / 60_000;

describe('sunPosition (NOAA / Meeus)', () => {
  it('puts the June-solstice noon sun over London at 90° − (51.51° − 23.44°) ≈ 61.9°', () => {
    // Solar noon in London on 2024-06-20 is at 12:02 UTC (equation of time ≈ −1.7 min).
    const p = sunPosition(Date.UTC(2024, 5, 20, 12, 2), LONDON.lat, LONDON.lng);
    expect(Math.abs(p.elevationDeg - 61.93)).toBeLessThan(0.5);
    expect(Math.abs(p.azimuthDeg - 180)).toBeLessThan(1);
    expect(Math.abs(p.declinationDeg - 23.44)).toBeLessThan(0.05);
  });

  it('puts the December-solstice noon sun over London at about 15.0°', () => {
    // Solar noon 2024-12-21 ≈ 12:02 UTC; 90 − (51.51 + 23.44) = 15.05.
    expect(
      Math.abs(sunElevationDeg(Date.UTC(2024, 11, 21, 12, 2), LONDON.lat, LONDON.lng) - 15.05),
    ).toBeLessThan(0.5);
  });

  it('puts the equinox noon sun almost overhead on the equator', () => {
    // Quito, 2024-03-20: solar noon ≈ 17:21 UTC (longitude −78.47° → +5 h 13.9 min, EoT ≈ −7.5 min).
    let best = -90;
    for (let t = Date.UTC(2024, 2, 20, 16); t < Date.UTC(2024, 2, 20, 19); t += 60_000)
      best = Math.max(best, sunElevationDeg(t, QUITO.lat, QUITO.lng));
    expect(best).toBeGreaterThan(89.5);
  });

  it('gives almanac sunrise and sunset times within 3 minutes', () => {
    // Published times (timeanddate.com / NOAA calculator), in UTC.
    const cases = [
      {
        place: LONDON,
        day: Date.UTC(2024, 5, 20),
        rise: Date.UTC(2024, 5, 20, 3, 43),
        set: Date.UTC(2024, 5, 20, 20, 21),
      },
      {
        place: LONDON,
        day: Date.UTC(2024, 11, 21),
        rise: Date.UTC(2024, 11, 21, 8, 4),
        set: Date.UTC(2024, 11, 21, 15, 53),
      },
      {
        place: OSLO,
        day: Date.UTC(2024, 5, 21),
        rise: Date.UTC(2024, 5, 21, 1, 54),
        set: Date.UTC(2024, 5, 21, 20, 43),
      },
      // Sydney (UTC+10): sunrise 07:00 AEST on the 21st is 21:00 UTC on the 20th.
      {
        place: SYDNEY,
        day: Date.UTC(2024, 5, 20, 12),
        rise: Date.UTC(2024, 5, 20, 21, 0),
        set: Date.UTC(2024, 5, 21, 6, 54),
      },
    ];
    for (const c of cases) {
      expect(minutesApart(crossingMs(c.day, c.place.lat, c.place.lng, true), c.rise)).toBeLessThan(3);
      expect(minutesApart(crossingMs(c.day, c.place.lat, c.place.lng, false), c.set)).toBeLessThan(3);
    }
  });
});

describe('isNight', () => {
  it('decides night by the sun, not the clock: 21:00 in Oslo is day in June and night in December', () => {
    // 21:00 local: CEST (UTC+2) in June, CET (UTC+1) in December.
    expect(isNight(Date.UTC(2024, 5, 21, 19), OSLO.lat, OSLO.lng)).toBe(false);
    expect(isNight(Date.UTC(2024, 11, 21, 20), OSLO.lat, OSLO.lng)).toBe(true);
  });

  it('has no night at all in a polar summer', () => {
    const tromso = { lat: 69.6492, lng: 18.9553 };
    for (let h = 0; h < 24; h++)
      expect(isNight(Date.UTC(2024, 5, 21, h), tromso.lat, tromso.lng)).toBe(false);
  });

  it('counts civil twilight as day and the sun 6° down as night', () => {
    const sunset = crossingMs(Date.UTC(2024, 11, 21), LONDON.lat, LONDON.lng, false);
    const dusk = crossingMs(Date.UTC(2024, 11, 21), LONDON.lat, LONDON.lng, false, -6);
    expect(isNight(sunset + 60_000, LONDON.lat, LONDON.lng)).toBe(false);
    expect(isNight(dusk + 60_000, LONDON.lat, LONDON.lng)).toBe(true);
    // London's civil dusk in late December comes ~40 min after sunset.
    expect(minutesApart(dusk, sunset)).toBeGreaterThan(30);
    expect(minutesApart(dusk, sunset)).toBeLessThan(50);
  });
});
