import { isoOf } from '../time/isoTime.ts';
/** A camera's identity in the dataset: unlinkable to the device and across days. */
export type Pseudonym = string & { readonly __brand: 'Pseudonym' };

/** UTC day (`YYYY-MM-DD`) of an instant: the period of a pseudonym. */
export function utcDay(ms: number): string {
  return isoOf(ms, 'day');
}

/**
 * The pseudonym of a device on a day: a keyed hash under that day's secret key. Stable within
 * the day (so distinct-camera counts count a device once, whatever batch ids it invents) and
 * unlinkable across days once the day key is destroyed.
 */
export function pseudonymOf(
  deviceId: string,
  day: string,
  dayKey: string,
  hmac: (key: string, data: string) => string,
): Pseudonym {
  return hmac(dayKey, `${day}|${deviceId}`).slice(0, 32) as Pseudonym;
}
