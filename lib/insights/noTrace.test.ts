import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type BBox, bboxContains } from '../geo/bbox.ts';
import { sumDays } from './cellTotals.ts';
import type { CellCounts } from './contributions.ts';
import { foldDay, type RawContribution } from './dayRollup.ts';
import { buildExportTables } from './exportTables.ts';
import { DEFAULT_K, kAnonymous } from './kAnonymity.ts';
import { roadCoverage } from './roadCoverage.ts';
import type { RoadCells } from './roadNetwork.ts';
import { hotspotRows, segmentRows } from './segmentInsights.ts';
import { type SpeedHourItem, speedCheck } from './speedCheck.ts';

/**
 * The attack, end to end over the pure core: a street driven by fewer than k cameras
 * (someone's own road home) and a lone camera's day on a busy street. Every answer — segments,
 * hotspots, coverage, speed-check, export tables — over any box and any interval must be
 * byte-for-byte the same with and without that driving, so no difference of two answers can
 * reveal it.
 */

const k = DEFAULT_K;
const DAY1 = 20_000 * 24; // epoch hour of a UTC midnight
const cellsAlong = (lat: number, lng: number, n: number) =>
  Array.from({ length: n }, (_, i) => latLngToCell(lat, lng + i * 0.0018, 10));
const busyStreet = cellsAlong(40.45, -79.98, 6);
const loneStreet = cellsAlong(40.46, -79.96, 4);

const counts = (speedMps: number, brakes = 0): CellCounts => ({
  passes: 1,
  exposureM: 130,
  brakes,
  nearMisses: 0,
  speeds: { [String(Math.floor(speedMps))]: 1 },
});
const drive = (
  pseudonym: string,
  epochHour: number,
  cells: string[],
  speedMps: number,
  brakes = 0,
): RawContribution => ({
  epochHour,
  pseudonym,
  cells: Object.fromEntries(cells.map((c) => [c, counts(speedMps, brakes)])),
});

/** Busy street: 6 cameras on each of days 1 and 2, braking at its third cell. */
const busyRaw = (day: number) =>
  Array.from({ length: 6 }, (_, i) => [
    drive(`d${day}c${i}`, DAY1 + 24 * day + 8, busyStreet, 12 + i),
    drive(`d${day}c${i}`, DAY1 + 24 * day + 8, [busyStreet[2]!], 12 + i, 1),
  ]).flat();
/** The lone driving: 3 cameras on the quiet street on day 1, and one camera alone on the busy street on day 3. */
const loneRaw = (day: number) =>
  day === 0
    ? Array.from({ length: 3 }, (_, i) => drive(`lone${i}`, DAY1 + 18, loneStreet, 9, 1))
    : day === 2
      ? [drive('alone', DAY1 + 48 + 8, busyStreet, 31, 1)]
      : [];

function aggregates(withLone: boolean) {
  const days = [0, 1, 2].map((d) => foldDay([...(d < 2 ? busyRaw(d) : []), ...(withLone ? loneRaw(d) : [])]));
  const speedItems: SpeedHourItem[] = days.flatMap((d) =>
    [...d.hours].map(([epochHour, cells]) => ({ epochHour, cells })),
  );
  return { days: days.map((d) => d.cells), speedItems };
}

const network: RoadCells = {
  primary: new Map(busyStreet.map((c) => [c, 150])),
  residential: new Map(loneStreet.map((c) => [c, 150])),
};
const inBox = (b: BBox) => (cell: string) => {
  const [lat, lng] = cellToLatLng(cell);
  return bboxContains(b, lat, lng);
};
const boxes: Record<string, BBox> = {
  both: { minLng: -80.0, minLat: 40.44, maxLng: -79.94, maxLat: 40.47 },
  busyOnly: { minLng: -80.0, minLat: 40.44, maxLng: -79.94, maxLat: 40.455 },
  loneOnly: { minLng: -79.965, minLat: 40.455, maxLng: -79.94, maxLat: 40.47 },
};
const intervals = { day1: [0, 1], days12: [0, 2], days123: [0, 3], day3: [2, 3] } as const;

/** Every insurer answer for a box and interval of days, as the handlers compute them. */
function answers(withLone: boolean, box: BBox, [d0, d1]: readonly [number, number]) {
  const agg = aggregates(withLone);
  const days = agg.days.slice(d0, d1);
  const keep = inBox(box);
  const totals = [...sumDays(days, keep, k).values()];
  const covered = new Set(kAnonymous(totals, k).map((t) => t.cell));
  const hours = agg.speedItems.filter((i) => i.epochHour >= DAY1 + 24 * d0 && i.epochHour < DAY1 + 24 * d1);
  return {
    segments: segmentRows(totals, k),
    hotspots: hotspotRows(totals, 'hard_brake', 20, k),
    coverage: roadCoverage(network, keep, covered),
    speedChecks: [...busyStreet, ...loneStreet].map((cell) =>
      speedCheck({ items: hours, cell, neighbours: [], claimedSpeedMps: 20, k, minCamerasPerHour: k }),
    ),
    exportTables: buildExportTables({ days, speedItems: hours, inRegion: keep, roadCells: network, k }),
  };
}

describe('no trace of a street driven by fewer than k cameras', () => {
  for (const [boxName, box] of Object.entries(boxes)) {
    for (const [intervalName, interval] of Object.entries(intervals)) {
      it(`answers identically with and without the lone driving (box ${boxName}, ${intervalName})`, () => {
        expect(answers(true, box, interval)).toEqual(answers(false, box, interval));
      });
    }
  }

  it('shows the busy street, so the test is not vacuous', () => {
    const a = answers(true, boxes.both!, intervals.days123);
    expect(a.segments.map((s) => s.cell).sort()).toEqual([...busyStreet].sort());
    expect(a.hotspots[0]?.cell).toBe(busyStreet[2]);
    expect(a.speedChecks[0]).toMatchObject({ withheld: false, sampleSize: 12 });
  });

  it('differs between boxes only by road length, never by covered length, around the lone street', () => {
    const withBoth = answers(true, boxes.both!, intervals.days123).coverage;
    const without = answers(true, boxes.busyOnly!, intervals.days123).coverage;
    expect(withBoth.overall.coveredKm).toBe(without.overall.coveredKm);
    expect(withBoth.overall.roadKm - without.overall.roadKm).toBeCloseTo(0.6, 6); // 4 public road cells × 150 m
    const alone = answers(true, boxes.loneOnly!, intervals.days123).coverage;
    expect(alone.overall).toMatchObject({ coveredKm: 0, coveredCells: 0, roadCells: 4 });
  });

  it('would leak without the atom rule: camera-days summed over the interval reach k with the lone day', () => {
    // The rule this replaces: a cell shown when its camera-days over the interval reach k.
    const agg = aggregates(true);
    const naive = (d1: number) => [...sumDays(agg.days.slice(0, d1), () => true).values()];
    const c = busyStreet[0]!;
    const before = naive(2).find((t) => t.cell === c)!;
    const after = naive(3).find((t) => t.cell === c)!;
    expect(after.cameraDays - before.cameraDays).toBe(1); // the lone camera's day, isolated
  });
});
