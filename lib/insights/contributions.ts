import { cellToParent, getHexagonEdgeLengthAvg, latLngToCell, UNITS } from 'h3-js';
import { PATH_CELL_RESOLUTION } from '../geo/pathCellResolution.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { addSpeed, mergeHistogram, type SpeedHistogram } from './speedHistogram.ts';

/** Partition of the insights tables: a res-8 parent holds 49 res-10 cells (~0.7 km²). */
export const INSIGHTS_PARTITION_RESOLUTION = 8;

const EDGE_M = getHexagonEdgeLengthAvg(PATH_CELL_RESOLUTION, UNITS.m);
/**
 * Mean length of a straight road's traversal of a res-10 hexagon: Cauchy's mean chord π·A/P,
 * which for a regular hexagon is (π√3/4)·edge ≈ 1.36 × 75.9 m ≈ 103 m. (The distance between
 * neighbouring cell centres, √3·edge ≈ 131 m, overstates it: roads clip hexagons' corners.)
 * Used when a trip segment carries no distance.
 */
export const MEAN_TRAVERSAL_M = ((Math.PI * Math.sqrt(3)) / 4) * EDGE_M;
/** The longest chord of a hexagon (vertex to vertex): no single pass can be longer. */
export const MAX_TRAVERSAL_M = 2 * EDGE_M;

/** What one camera contributed to one cell (or a total over contributions). */
export interface CellCounts {
  /** Times a trip path entered the cell. */
  passes: number;
  /** Metres driven in the cell (see `traversalM`). */
  exposureM: number;
  brakes: number;
  nearMisses: number;
  /** Speeds at which the cell was entered. */
  speeds: SpeedHistogram;
}

/** One stream record's contribution to one partition in one UTC hour. */
export interface Contribution {
  partition: string;
  /** Epoch hour (ms / 3 600 000, floored) of the events. */
  epochHour: number;
  /**
   * The record's identity: its batch key plus its smallest event id. Ingest splits a batch
   * into one record per area with disjoint events, so this is unique per record, and it is
   * the same however often and in whatever batches the stream delivers the record again.
   */
  recordKey: string;
  pseudonym: string;
  cells: Record<string, CellCounts>;
}

/** An empty counter. */
export function emptyCounts(): CellCounts {
  return { passes: 0, exposureM: 0, brakes: 0, nearMisses: 0, speeds: {} };
}

/** Adds `from` into `into` (mutates and returns `into`). */
export function addCounts(into: CellCounts, from: Readonly<CellCounts>): CellCounts {
  into.passes += from.passes;
  into.exposureM += from.exposureM;
  into.brakes += from.brakes;
  into.nearMisses += from.nearMisses;
  mergeHistogram(into.speeds, from.speeds);
  return into;
}

/**
 * Metres attributed to each cell a trip segment entered: the segment's odometer distance
 * spread evenly over its path entries (measured, so a winding street counts its true length),
 * capped at a hexagon's longest chord (a segment whose distance also spans redacted cells must
 * not inflate the cells that remain), and the mean chord when the segment has no distance.
 */
export function traversalM(distanceM: number, entries: number): number {
  if (entries <= 0) return 0;
  if (!(distanceM > 0)) return MEAN_TRAVERSAL_M;
  return Math.min(MAX_TRAVERSAL_M, distanceM / entries);
}

/** Stable identity of a record across replays and splits (see `Contribution.recordKey`). */
export function recordKeyOf(record: StreamRecord): string {
  let min = record.events[0]!.id;
  for (const e of record.events) if (e.id < min) min = e.id;
  return `${record.batchKey}#${min}`;
}

/** Epoch hour of an RFC 3339 time. */
export function epochHourOf(ts: string): number {
  return Math.floor(Date.parse(ts) / 3600_000);
}

/**
 * Splits one stream record into its contributions per (res-8 partition, UTC hour): trip path
 * entries become passes with exposure and an entry speed; hard brakes and near-misses count at
 * their own cell. Other event types carry nothing the insights use. A pure function of the
 * record, so a replay produces exactly the same contributions.
 */
export function contributionsOf(record: StreamRecord): Contribution[] {
  const recordKey = recordKeyOf(record);
  const out = new Map<string, Contribution>();
  const counts = (cell: string, epochHour: number): CellCounts => {
    const partition = cellToParent(cell, INSIGHTS_PARTITION_RESOLUTION);
    const key = `${partition}#${epochHour}`;
    let c = out.get(key);
    if (!c) {
      c = { partition, epochHour, recordKey, pseudonym: record.pseudonym, cells: {} };
      out.set(key, c);
    }
    c.cells[cell] ??= emptyCounts();
    return c.cells[cell];
  };
  for (const e of record.events) {
    if (e.type === 'trip') {
      const metres = traversalM(e.distanceM, e.path.length);
      for (const p of e.path) {
        const c = counts(p.cell, epochHourOf(p.ts));
        c.passes++;
        c.exposureM += metres;
        addSpeed(c.speeds, p.speedMps);
      }
    } else if (e.type === 'hard_brake' || e.type === 'near_miss') {
      const c = counts(latLngToCell(e.lat, e.lng, PATH_CELL_RESOLUTION), epochHourOf(e.ts));
      if (e.type === 'hard_brake') c.brakes++;
      else c.nearMisses++;
    }
  }
  return [...out.values()];
}
