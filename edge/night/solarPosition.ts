/**
 * Where the sun stands, from a time and a place: the NOAA solar-position equations (the NOAA
 * Global Monitoring Laboratory "Solar Calculator" spreadsheet, itself built on Jean Meeus,
 * *Astronomical Algorithms*, 2nd ed., 1998, ch. 25 "Solar Coordinates" and ch. 28 "Equation of
 * Time"). Accurate to about 0.01° in declination and well under a minute in time for years
 * 1800–2100 — far finer than "is it dark" needs. Pure and portable: only `Math`, no clock; the
 * caller hands in the time.
 */

const RAD = Math.PI / 180;
const MS_PER_DAY = 86_400_000;
/** Julian date of the Unix epoch (1970-01-01T00:00Z). */
const JD_UNIX_EPOCH = 2440587.5;
/** Julian date of J2000.0 (2000-01-01T12:00 TT; UT is close enough here). */
const JD_J2000 = 2451545;

/**
 * Geometric altitude of the sun's centre when it "rises" or "sets" as almanacs print it: 34′ of
 * standard refraction plus 16′ of semi-diameter below the horizon (Meeus ch. 15).
 */
export const SUNRISE_ELEVATION_DEG = -0.833;
/**
 * Civil twilight ends when the sun's centre is 6° below the horizon: past it, street lights and
 * headlights dominate the scene and a camera's auto-exposure runs into its limits — the regime
 * a night ISP profile is for.
 */
export const CIVIL_TWILIGHT_DEG = -6;

/** The sun's position seen from one place at one time. */
export interface SunPosition {
  /** Geometric elevation of the sun's centre above the horizon, degrees (no refraction). */
  elevationDeg: number;
  /** Azimuth, degrees clockwise from true north. */
  azimuthDeg: number;
  /** Declination, degrees. */
  declinationDeg: number;
  /** Equation of time (apparent minus mean solar time), minutes. */
  equationOfTimeMin: number;
}

/**
 * The sun's elevation and azimuth at `tMs` (Unix milliseconds, UTC) from (`latDeg`, `lngDeg`),
 * east longitudes positive.
 *
 * @example
 * // London, 2024-06-20 solar noon: about 62° up.
 * sunPosition(Date.UTC(2024, 5, 20, 12, 2), 51.5074, -0.1278).elevationDeg; // ≈ 61.9
 */
export function sunPosition(tMs: number, latDeg: number, lngDeg: number): SunPosition {
  const jd = tMs / MS_PER_DAY + JD_UNIX_EPOCH;
  const t = (jd - JD_J2000) / 36525; // Julian centuries since J2000
  const l0 = mod360(280.46646 + t * (36000.76983 + t * 0.0003032)); // mean longitude
  const m = 357.52911 + t * (35999.05029 - 0.0001537 * t); // mean anomaly
  const e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t); // orbit eccentricity
  const c =
    Math.sin(m * RAD) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    Math.sin(2 * m * RAD) * (0.019993 - 0.000101 * t) +
    Math.sin(3 * m * RAD) * 0.000289; // equation of centre
  const omega = 125.04 - 1934.136 * t; // longitude of the Moon's ascending node (nutation)
  const lambda = l0 + c - 0.00569 - 0.00478 * Math.sin(omega * RAD); // apparent longitude
  const eps0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const eps = eps0 + 0.00256 * Math.cos(omega * RAD); // corrected obliquity
  const decl = Math.asin(Math.sin(eps * RAD) * Math.sin(lambda * RAD));
  const y = Math.tan((eps * RAD) / 2) ** 2;
  const eqTimeMin =
    (4 / RAD) *
    (y * Math.sin(2 * l0 * RAD) -
      2 * e * Math.sin(m * RAD) +
      4 * e * y * Math.sin(m * RAD) * Math.cos(2 * l0 * RAD) -
      0.5 * y * y * Math.sin(4 * l0 * RAD) -
      1.25 * e * e * Math.sin(2 * m * RAD));
  const minutesOfDay = (((tMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60_000;
  const trueSolarMin = minutesOfDay + eqTimeMin + 4 * lngDeg;
  let hourAngle = trueSolarMin / 4 - 180;
  hourAngle = mod360(hourAngle + 180) - 180;
  const lat = latDeg * RAD;
  const ha = hourAngle * RAD;
  const cosZenith = clamp(
    Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(ha),
    -1,
    1,
  );
  const zenith = Math.acos(cosZenith);
  // Azimuth from north, clockwise (atan2 form: no quadrant fix-ups, no pole singularity).
  const az = Math.atan2(Math.sin(ha), Math.cos(ha) * Math.sin(lat) - Math.tan(decl) * Math.cos(lat));
  return {
    elevationDeg: 90 - zenith / RAD,
    azimuthDeg: mod360(az / RAD + 180),
    declinationDeg: decl / RAD,
    equationOfTimeMin: eqTimeMin,
  };
}

/** The sun's geometric elevation, degrees, at `tMs` from (`latDeg`, `lngDeg`). */
export function sunElevationDeg(tMs: number, latDeg: number, lngDeg: number): number {
  return sunPosition(tMs, latDeg, lngDeg).elevationDeg;
}

/**
 * Whether it is night at that time and place: the sun below `thresholdDeg` (default civil
 * twilight, −6°). Decided by the sun, never by a clock hour: 21:00 is broad daylight in an Oslo
 * June and deep night in its December, and polar summers have no night at all.
 */
export function isNight(
  tMs: number,
  latDeg: number,
  lngDeg: number,
  thresholdDeg = CIVIL_TWILIGHT_DEG,
): boolean {
  return sunElevationDeg(tMs, latDeg, lngDeg) < thresholdDeg;
}

function mod360(x: number): number {
  return ((x % 360) + 360) % 360;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
