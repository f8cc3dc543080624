import type { EpochMinute } from '../time/epochMinute.ts';
import type { HeadingSector } from './headingSector.ts';
import type { BucketKind } from './signals.ts';

/** A stored bucket as read back: who gave a signal (or passed) in a cell, sector, minute. */
export interface BucketEntry {
  kind: BucketKind;
  cell: string;
  sector: HeadingSector;
  minute: EpochMinute;
  pseudonyms: readonly string[];
}

/** Distinct cameras in one window ending at `end` (inclusive), i.e. minutes (end − size, end]. */
export interface WindowCount {
  end: EpochMinute;
  pseudonyms: Set<string>;
  /** Latest minute in the window that holds any evidence. */
  lastEvidenceMinute: EpochMinute | undefined;
}

/**
 * The first minute of the window of `sizeMinutes` that ends at `end`: a window is the minutes
 * (end − size, end], `end` included. Every window in dashnet — the detector's counts, its anchor
 * cell, the live map — is cut here, so none is off by one against another.
 *
 * @example windowStartMinute(100, 20); // 81: minutes 81…100 are the 20-minute window ending at 100
 */
export function windowStartMinute(end: number, sizeMinutes: number): number {
  return end - sizeMinutes + 1;
}

/** Whether `minute` lies in the window of `sizeMinutes` ending at `end` (see {@link windowStartMinute}). */
export function inWindow(minute: number, end: number, sizeMinutes: number): boolean {
  return minute <= end && minute >= windowStartMinute(end, sizeMinutes);
}

/** The last window end whose window of `sizeMinutes` still holds `minute`. */
export function lastWindowEndHolding(minute: number, sizeMinutes: number): number {
  return minute + sizeMinutes - 1;
}

/**
 * Distinct-camera counts of every sliding window of `sizeMinutes` whose end lies in
 * [fromEnd, toEnd], over the given entries whose sector is in `sectors`. Counting distinct
 * pseudonyms (a set union), not events, is what makes the count immune to duplicates and
 * to a single camera braking repeatedly.
 */
export function slidingWindowCounts(
  entries: readonly BucketEntry[],
  sectors: ReadonlySet<HeadingSector>,
  fromEnd: EpochMinute,
  toEnd: EpochMinute,
  sizeMinutes: number,
): WindowCount[] {
  const byMinute = new Map<number, string[]>();
  for (const e of entries) {
    if (!sectors.has(e.sector)) continue;
    const list = byMinute.get(e.minute);
    if (list) list.push(...e.pseudonyms);
    else byMinute.set(e.minute, [...e.pseudonyms]);
  }
  const out: WindowCount[] = [];
  for (let end = fromEnd; end <= toEnd; end++) {
    const pseudonyms = new Set<string>();
    let lastEvidenceMinute: EpochMinute | undefined;
    for (let m = windowStartMinute(end, sizeMinutes); m <= end; m++) {
      const list = byMinute.get(m);
      if (!list) continue;
      for (const p of list) pseudonyms.add(p);
      lastEvidenceMinute = m as EpochMinute;
    }
    out.push({ end: end as EpochMinute, pseudonyms, lastEvidenceMinute });
  }
  return out;
}
