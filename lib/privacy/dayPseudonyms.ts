import { DAY_MS } from '../time/durations.ts';
import { type Pseudonym, pseudonymOf, utcDay } from './pseudonym.ts';

/**
 * Where the per-day secret keys live, read-only. A key that no longer exists (destroyed, or
 * past its expiry) must answer `undefined`: that is what makes a past day's pseudonyms
 * unrecoverable, for a deletion and for a legal export alike.
 */
export interface DayKeySource {
  /** The secret of period `name` if it still exists at `nowMs`; never creates one. */
  existingPeriodKey(name: string, nowMs: number): Promise<string | undefined>;
}

/** What deriving a device's past pseudonyms needs: the keys and the keyed hash. */
export interface DayPseudonymDeps {
  dayKeys: DayKeySource;
  hmac: (key: string, data: string) => string;
}

/** A device's pseudonym on one UTC day. */
export interface DayPseudonym {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  pseudonym: Pseudonym;
}

/** The name the day key of `day` is stored under (the same name ingest creates it with). */
export function dayKeyName(day: string): string {
  return `day#${day}`;
}

/**
 * Every UTC day (`YYYY-MM-DD`) that the instants `[fromMs, toMs]` touch, oldest first: the day
 * of `fromMs`, the day of `toMs`, and each day between. Empty when `toMs < fromMs`.
 *
 * @example utcDaysTouched(Date.parse('2026-03-01T23:59:00Z'), Date.parse('2026-03-02T00:01:00Z'))
 *   // ['2026-03-01', '2026-03-02']
 */
export function utcDaysTouched(fromMs: number, toMs: number): string[] {
  if (!(toMs >= fromMs)) return [];
  const out: string[] = [];
  // Step from midnight of the first day, so a range starting late in a day still reaches the
  // day of `toMs` (stepping 24 h from `fromMs` itself would skip it when toMs is earlier in its day).
  for (let t = Math.floor(fromMs / DAY_MS) * DAY_MS; t <= toMs; t += DAY_MS) out.push(utcDay(t));
  return out;
}

/**
 * The device's pseudonym of every UTC day in `[fromMs, toMs]` whose day key still exists at
 * `nowMs`, oldest first. Days whose key is gone are skipped, not an error: their data can no
 * longer be linked to the device by anyone, which is the point of per-day keys. The one walk
 * shared by deletion (what to erase) and legal export (what to release).
 */
export async function devicePseudonymsByDay(
  deps: DayPseudonymDeps,
  deviceId: string,
  range: { fromMs: number; toMs: number },
  nowMs: number,
): Promise<DayPseudonym[]> {
  const out: DayPseudonym[] = [];
  for (const day of utcDaysTouched(range.fromMs, range.toMs)) {
    const key = await deps.dayKeys.existingPeriodKey(dayKeyName(day), nowMs);
    if (key) out.push({ day, pseudonym: pseudonymOf(deviceId, day, key, deps.hmac) });
  }
  return out;
}
