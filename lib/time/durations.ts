/** Milliseconds in a minute, an hour and a UTC day (UTC days have no leap seconds in Unix time). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
