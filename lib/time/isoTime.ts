/**
 * How much of an ISO 8601 / RFC 3339 UTC instant to write:
 * - `ms`: the contract's timestamps, `2026-11-20T08:15:30.250Z`;
 * - `second`: `2026-11-20T08:15:30Z` (feeds that ask for whole seconds);
 * - `minute`: `2026-11-20T08:15`, no zone (Open511 schedule intervals);
 * - `day`: `2026-11-20` (UTC day keys: pseudonym periods, day partitions);
 * - `month`: `2026-11` (UTC month keys: hazard partitions).
 */
export type IsoPrecision = 'ms' | 'second' | 'minute' | 'day' | 'month';

const MS_PER_DAY = 86_400_000;

/** Where each precision cuts the fixed-width millisecond form. */
const CUT: Record<Exclude<IsoPrecision, 'ms' | 'second'>, number> = { minute: 16, day: 10, month: 7 };

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = `0${s}`;
  return s;
}

/**
 * The one ISO time formatter, for the cloud and the camera alike: an epoch-millisecond instant as
 * a UTC string, truncated (never rounded) to `precision`, so that an instant always falls in the
 * day or month its key names.
 *
 * Computed with integer arithmetic (Howard Hinnant's civil-from-days) rather than through `Date`,
 * so that Node and the camera's QuickJS agree to the byte; for years 0–9999 it equals
 * `Date.prototype.toISOString()`.
 *
 * @throws RangeError when `ms` is not a finite number (as `toISOString()` does): a NaN time is a
 *   bug upstream, and writing `NaN-NaN-…` into a record would hide it.
 * @example
 * isoOf(Date.UTC(2026, 10, 20, 8, 15, 30, 250)); // '2026-11-20T08:15:30.250Z'
 * isoOf(Date.UTC(2026, 10, 20, 8, 15, 30, 250), 'day'); // '2026-11-20'
 */
export function isoOf(ms: number, precision: IsoPrecision = 'ms'): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const t = Math.floor(ms);
  const days = Math.floor(t / MS_PER_DAY);
  let rem = t - days * MS_PER_DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rem / 3_600_000);
  rem -= hh * 3_600_000;
  const mm = Math.floor(rem / 60_000);
  rem -= mm * 60_000;
  const ss = Math.floor(rem / 1000);
  const seconds = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (precision === 'ms') return `${seconds}.${pad(rem - ss * 1000, 3)}Z`;
  if (precision === 'second') return `${seconds}Z`;
  return seconds.slice(0, CUT[precision]);
}
