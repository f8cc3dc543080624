import { cellToLatLng } from 'h3-js';
import { hourOfWeek } from '../hazards/baseline.ts';
import { sumDays } from './cellTotals.ts';
import type { DayCell } from './dayRollup.ts';
import { DEFAULT_K, kAnonymous } from './kAnonymity.ts';
import { type Estimate, ratePer100Km } from './rateInterval.ts';
import { roadCoverage } from './roadCoverage.ts';
import { ROAD_CLASS_ORDER, type RoadCells, type RoadClass } from './roadNetwork.ts';
import { hotspotRows } from './segmentInsights.ts';
import type { SpeedHourItem } from './speedCheck.ts';
import { histogramTotal, mergeHistogram, type SpeedHistogram, speedSummary } from './speedHistogram.ts';

/**
 * The insurer export's tables, built from the same k-anonymous atoms as the API: a (cell, UTC
 * day) below k cameras and a (cell, hour) below k cameras contribute nothing, so a file says no
 * more about a lone driver than the API does (docs/insights.md, "No withheld trace").
 */

/** Version of the export schema; bumped on any change of a table's columns. */
export const EXPORT_SCHEMA_VERSION = 1;

/** A column's physical type in Parquet (CSV writes its text form). */
export type ColumnType = 'STRING' | 'DOUBLE' | 'INT64';

/** One documented column of an export table. */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** True when the value may be empty (CSV) / null (Parquet). */
  nullable: boolean;
  description: string;
}

/** The tables of an export. */
export type ExportTableName = 'segments' | 'hotspots' | 'coverage' | 'speeds';

/** A cell value: numbers, strings, or null (empty in CSV). */
export type Cell = string | number | null;

/** One table: its columns (from {@link EXPORT_SCHEMA}) and rows in column order. */
export interface ExportTable {
  name: ExportTableName;
  columns: readonly ColumnDef[];
  rows: Cell[][];
}

const RATE_METHOD =
  'events per 100 km of exposure; 95 % Poisson interval (Byar approximation, exact upper bound at 0 events)';

const col = (name: string, type: ColumnType, description: string, nullable = false): ColumnDef => ({
  name,
  type,
  nullable,
  description,
});

const rateCols = (prefix: string, what: string): ColumnDef[] => [
  col(prefix, 'INT64', `${what} counted in the cell`),
  col(`${prefix}_per_100km`, 'DOUBLE', `${what} per 100 km driven through the cell`, true),
  col(`${prefix}_per_100km_low`, 'DOUBLE', 'lower bound of the 95 % interval', true),
  col(`${prefix}_per_100km_high`, 'DOUBLE', 'upper bound of the 95 % interval', true),
];

/** The documented schema of every export table (docs/insights.md reproduces it). */
export const EXPORT_SCHEMA: Readonly<Record<ExportTableName, readonly ColumnDef[]>> = {
  segments: [
    col('cell', 'STRING', 'H3 res-10 cell'),
    col('lat', 'DOUBLE', 'cell centre latitude (WGS84)'),
    col('lng', 'DOUBLE', 'cell centre longitude (WGS84)'),
    col('road_class', 'STRING', 'most important OSM road class crossing the cell', true),
    col('exposure_km', 'DOUBLE', 'kilometres driven through the cell (the rates’ exposure)'),
    col('passes', 'INT64', 'trips entering the cell'),
    col('camera_days', 'INT64', 'sum over days of distinct cameras (each day counted has ≥ k)'),
    ...rateCols('hard_brakes', 'hard brakes'),
    ...rateCols('near_misses', 'near misses'),
    col('speed_p50_mps', 'DOUBLE', 'median entry speed, m/s', true),
    col('speed_p85_mps', 'DOUBLE', '85th percentile entry speed, m/s', true),
    col('speed_p95_mps', 'DOUBLE', '95th percentile entry speed, m/s', true),
    col('rate_method', 'STRING', 'how the rates and intervals are computed'),
  ],
  hotspots: [
    col('metric', 'STRING', 'near_miss or hard_brake'),
    col('rank', 'INT64', 'rank by the lower bound of the 95 % interval'),
    col('cell', 'STRING', 'H3 res-10 cell'),
    col('lat', 'DOUBLE', 'cell centre latitude'),
    col('lng', 'DOUBLE', 'cell centre longitude'),
    col('events', 'INT64', 'events counted'),
    col('exposure_km', 'DOUBLE', 'kilometres driven through the cell'),
    col('camera_days', 'INT64', 'sum over days of distinct cameras'),
    col('rate_per_100km', 'DOUBLE', 'events per 100 km'),
    col('rate_per_100km_low', 'DOUBLE', 'lower bound of the 95 % interval'),
    col('rate_per_100km_high', 'DOUBLE', 'upper bound of the 95 % interval'),
    col('rate_method', 'STRING', 'how the rate and interval are computed'),
  ],
  coverage: [
    col('road_class', 'STRING', "OSM road class, or 'all'"),
    col('road_km', 'DOUBLE', 'road length in the region (road network only)'),
    col('covered_km', 'DOUBLE', 'road length in cells that meet k in the period'),
    col('share', 'DOUBLE', 'covered_km / road_km'),
    col('road_cells', 'INT64', 'H3 res-10 cells crossed by the road class'),
    col('covered_cells', 'INT64', 'of which meet k'),
  ],
  speeds: [
    col('cell', 'STRING', 'H3 res-10 cell'),
    col('hour_of_week', 'INT64', 'UTC hour of the week, 0 = Monday 00:00'),
    col('direction', 'STRING', 'travel direction; empty: the aggregates keep no heading (schema v1)', true),
    col('camera_hours', 'INT64', 'sum over hours of distinct cameras (each hour counted has ≥ k)'),
    col('samples', 'INT64', 'cell entries with a speed'),
    col('speed_p50_mps', 'DOUBLE', 'median, m/s', true),
    col('speed_p85_mps', 'DOUBLE', '85th percentile, m/s', true),
    col('speed_p95_mps', 'DOUBLE', '95th percentile, m/s', true),
    col('histogram', 'STRING', 'JSON object: 1 m/s bin (lower edge) → entries'),
  ],
};

/** What an export is built from: the region's aggregates for the period and the road network. */
export interface ExportInput {
  /** Day items (per cell) of the region's partitions, one per partition-day of the period. */
  days: Iterable<Readonly<Record<string, DayCell>>>;
  /** Speed items of the region's partitions over the period's hours. */
  speedItems: Iterable<SpeedHourItem>;
  /** Whether a cell belongs to the insurer's regions. */
  inRegion: (cell: string) => boolean;
  roadCells: RoadCells;
  k?: number;
  /** Hotspots per metric (default 100). */
  hotspotLimit?: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const est = (e: Estimate | undefined): [number | null, number | null, number | null] =>
  e ? [round(e.value, 2), round(e.low, 2), round(e.high, 2)] : [null, null, null];

function classOfCell(roadCells: RoadCells): (cell: string) => RoadClass | null {
  return (cell) => {
    for (const cls of ROAD_CLASS_ORDER) if (roadCells[cls]?.has(cell)) return cls;
    return null;
  };
}

/**
 * Builds the four tables of an export. Segments and hotspots equal what `GET /v1/insights/segments`
 * and `/hotspots` answer for the same cells and whole days; coverage is `GET /v1/coverage` per
 * class; speeds pool each (cell, hour of week) over the period's k-anonymous hours.
 */
export function buildExportTables(input: ExportInput): ExportTable[] {
  const k = input.k ?? DEFAULT_K;
  const totals = kAnonymous([...sumDays(input.days, input.inRegion, k).values()], k);
  const classOf = classOfCell(input.roadCells);
  const segments = totals
    .sort((a, b) => b.exposureM - a.exposureM || a.cell.localeCompare(b.cell))
    .map((t): Cell[] => {
      const [lat, lng] = cellToLatLng(t.cell);
      const s = speedSummary(t.speeds);
      return [
        t.cell,
        round(lat, 6),
        round(lng, 6),
        classOf(t.cell),
        round(t.exposureM / 1000, 3),
        t.passes,
        t.cameraDays,
        t.brakes,
        ...est(ratePer100Km(t.brakes, t.exposureM)),
        t.nearMisses,
        ...est(ratePer100Km(t.nearMisses, t.exposureM)),
        s?.p50 ?? null,
        s?.p85 ?? null,
        s?.p95 ?? null,
        RATE_METHOD,
      ];
    });
  const hotspots = (['near_miss', 'hard_brake'] as const).flatMap((metric) =>
    hotspotRows(totals, metric, input.hotspotLimit ?? 100, k).map((h): Cell[] => [
      metric,
      h.rank,
      h.cell,
      h.lat,
      h.lng,
      h.events,
      h.exposureKm,
      h.cameras,
      h.ratePer100Km.value,
      h.ratePer100Km.low,
      h.ratePer100Km.high,
      RATE_METHOD,
    ]),
  );
  const cov = roadCoverage(input.roadCells, input.inRegion, new Set(totals.map((t) => t.cell)));
  const coverage: Cell[][] = [
    [
      'all',
      cov.overall.roadKm,
      cov.overall.coveredKm,
      cov.overall.share,
      cov.overall.roadCells,
      cov.overall.coveredCells,
    ],
    ...cov.byClass.map((c): Cell[] => [
      c.roadClass,
      c.roadKm,
      c.coveredKm,
      c.share,
      c.roadCells,
      c.coveredCells,
    ]),
  ];
  return [
    { name: 'segments', columns: EXPORT_SCHEMA.segments, rows: segments },
    { name: 'hotspots', columns: EXPORT_SCHEMA.hotspots, rows: hotspots },
    { name: 'coverage', columns: EXPORT_SCHEMA.coverage, rows: coverage },
    { name: 'speeds', columns: EXPORT_SCHEMA.speeds, rows: speedRows(input.speedItems, input.inRegion, k) },
  ];
}

function speedRows(items: Iterable<SpeedHourItem>, inRegion: (cell: string) => boolean, k: number): Cell[][] {
  const pooled = new Map<
    string,
    { cell: string; how: number; cameraHours: number; speeds: SpeedHistogram }
  >();
  for (const item of items) {
    const how = hourOfWeek(item.epochHour * 60);
    for (const [cell, h] of Object.entries(item.cells)) {
      // The atom rule: an hour of a cell with fewer than k cameras is left out entirely.
      if (h.cameras < k || !inRegion(cell)) continue;
      const key = `${cell}#${how}`;
      let p = pooled.get(key);
      if (!p) {
        p = { cell, how, cameraHours: 0, speeds: {} };
        pooled.set(key, p);
      }
      p.cameraHours += h.cameras;
      mergeHistogram(p.speeds, h.speeds);
    }
  }
  return [...pooled.values()]
    .sort((a, b) => a.cell.localeCompare(b.cell) || a.how - b.how)
    .map((p) => {
      const s = speedSummary(p.speeds);
      const bins = Object.keys(p.speeds).sort((a, b) => Number(a) - Number(b));
      return [
        p.cell,
        p.how,
        null,
        p.cameraHours,
        histogramTotal(p.speeds),
        s?.p50 ?? null,
        s?.p85 ?? null,
        s?.p95 ?? null,
        JSON.stringify(Object.fromEntries(bins.map((b) => [b, p.speeds[b]]))),
      ];
    });
}
