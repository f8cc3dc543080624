/**
 * The k-anonymity rule of the insurer insights. A camera's pseudonym changes every UTC day and
 * cannot be linked across days (by design, see lib/privacy/pseudonym.ts), so the network can
 * count distinct cameras only within a day. Over an interval it counts *camera-days*: the sum
 * over days of the distinct cameras seen that day. A cell is shown only when its camera-days
 * reach k. One camera driving a street on k different days also reaches k; what the rule
 * guarantees is that no figure rests on fewer than k camera-days of driving, and that no single
 * trip, nor a single day of one camera, can be read out of a shown figure.
 */

/** Default k: cells seen on fewer than 5 camera-days are withheld (contract §2, Insurers). */
export const DEFAULT_K = 5;

/** Anything carrying a camera-day count. */
export interface HasCameraDays {
  cameraDays: number;
}

/**
 * The items whose camera-days reach `k`, in their original order; never one below k.
 *
 * @example kAnonymous([{ cameraDays: 6 }, { cameraDays: 3 }], 5) // [{ cameraDays: 6 }]
 */
export function kAnonymous<T extends HasCameraDays>(items: readonly T[], k = DEFAULT_K): T[] {
  const floor = Math.max(1, k);
  return items.filter((i) => i.cameraDays >= floor);
}

/**
 * A lower bound of the camera-days behind figures pooled from several cells or hours of one
 * day: the same camera may appear in each, so per day only the largest count is certain.
 * `perDay` maps a day to the distinct-camera counts of the pooled parts of that day.
 */
export function cameraDaysLowerBound(perDay: ReadonlyMap<string, readonly number[]>): number {
  let sum = 0;
  for (const counts of perDay.values()) sum += counts.length > 0 ? Math.max(...counts) : 0;
  return sum;
}
