import { cellsCoveringBBox } from '../geo/areaCover.ts';
import { type BBox, bboxContains } from '../geo/bbox.ts';
import { isoOf } from '../time/isoTime.ts';
import { type HazardRecord, isActiveAt } from './hazardRecord.ts';

/**
 * The hazard queries behind `GET /v1/hazards`, `/v1/hazards/history` and the feeds: which table
 * partitions to read (res-5 areas × months) and which of their hazards answer. Pure apart from
 * the narrow {@link HazardReader} handed in; the handlers only parse and format.
 */

/** H3 resolution of a hazard's area: the partition of the table and of the active index. */
export const HAZARD_AREA_RESOLUTION = 5;
/** History queries for `at=` look back this many months for hazards still active then. */
export const HAZARD_LOOKBACK_MONTHS = 1;

/** What the queries read: the active index, and history partitioned by area and month. */
export interface HazardReader {
  /** Hazards not yet cleared in the given res-5 areas. */
  listActive(areas: Iterable<string>): Promise<HazardRecord[]>;
  /** Hazards first seen in the given areas and months (`YYYY-MM`), expired ones excluded. */
  listHistory(areas: Iterable<string>, months: readonly string[], nowMs: number): Promise<HazardRecord[]>;
}

/** Where a hazards query asks about: a box to cover and the exact shape inside it. */
export interface HazardArea {
  box: BBox;
  keep: (h: HazardRecord) => boolean;
}

/** Within this of now, "at" is now: read the active index instead of history. */
const LIVE_TOLERANCE_MS = 60_000;

/**
 * Hazards active in an area at `atMs`: the active index when `atMs` is now, else history from
 * {@link HAZARD_LOOKBACK_MONTHS} before it (a hazard raised earlier may still be active then).
 */
export async function hazardsActiveAt(
  reader: HazardReader,
  area: HazardArea,
  atMs: number,
  nowMs: number,
): Promise<HazardRecord[]> {
  const areas = cellsCoveringBBox(area.box, HAZARD_AREA_RESOLUTION);
  const candidates =
    atMs >= nowMs - LIVE_TOLERANCE_MS
      ? await reader.listActive(areas)
      : await reader.listHistory(
          areas,
          monthsBetween(monthsBefore(atMs, HAZARD_LOOKBACK_MONTHS), atMs),
          nowMs,
        );
  return candidates.filter((h) => area.keep(h) && isActiveAt(h, atMs));
}

/** Every hazard in `box` first seen in [fromMs, toMs]. */
export async function hazardsFirstSeenIn(
  reader: HazardReader,
  box: BBox,
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<HazardRecord[]> {
  const areas = cellsCoveringBBox(box, HAZARD_AREA_RESOLUTION);
  return (await reader.listHistory(areas, monthsBetween(fromMs, toMs), nowMs)).filter(
    (h) => bboxContains(box, h.lat, h.lng) && h.firstSeenMs >= fromMs && h.firstSeenMs <= toMs,
  );
}

/**
 * The UTC months (`YYYY-MM`) that [fromMs, toMs] touches, in order.
 *
 * @example monthsBetween(Date.parse('2026-11-20T00:00:00Z'), Date.parse('2027-01-02T00:00:00Z')) // ['2026-11', '2026-12', '2027-01']
 */
export function monthsBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const from = new Date(fromMs);
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (d.getTime() <= toMs) {
    out.push(isoOf(d.getTime(), 'month'));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** The same instant `months` calendar months earlier (UTC; day clamped by `Date` arithmetic). */
export function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}
