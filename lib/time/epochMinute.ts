/** Minutes since the Unix epoch: the time unit of bucketing. Branded so it is never mixed with ms. */
export type EpochMinute = number & { readonly __brand: 'EpochMinute' };

import { MINUTE_MS } from './durations.ts';

export { MINUTE_MS };

/** The epoch minute that contains an instant in milliseconds. */
export function epochMinute(ms: number): EpochMinute {
  return Math.floor(ms / MINUTE_MS) as EpochMinute;
}

/** Start of an epoch minute in milliseconds. */
export function minuteStartMs(m: EpochMinute): number {
  return m * MINUTE_MS;
}
