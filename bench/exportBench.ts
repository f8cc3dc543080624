/**
 * Insurer export bench: time and size of one insurer's monthly export (segments, hotspots,
 * coverage by road class, speeds by cell and hour of week; CSV and Parquet, hashed and signed)
 * for a month of a simulated 1,000-camera fleet in one city (Pittsburgh's bundled road network).
 *
 * The aggregates come through the real code paths: per camera and trip, raw per-cell
 * contributions (as the insights consumer writes them) are folded per UTC day by `foldDay`
 * (the rollup), and the export is built by `buildExportTables` + `buildSignedExport` (what the
 * schedule and `dashnet export` run). Storage is left out: on AWS it is one PutObject per file.
 * Plain baseline beside the sizes: the same rows as JSON (what a naive export would ship).
 */
import roadCellsFile from '../data/roads/pgh_road_cells.json' with { type: 'json' };
import type { CellCounts } from '../lib/insights/contributions.ts';
import { foldDay, type RawContribution } from '../lib/insights/dayRollup.ts';
import { buildSignedExport } from '../lib/insights/exportManifest.ts';
import { buildExportTables } from '../lib/insights/exportTables.ts';
import { parseRoadCells, type RoadCellsFile } from '../lib/insights/roadCellsFile.ts';
import type { SpeedHourItem } from '../lib/insights/speedCheck.ts';
import { createPrng } from '../lib/random/prng.ts';
import type { BenchResult } from './types.ts';

const CAMERAS = 1000;
const DAYS = 30;
/** Most cameras drive on most days (commuters), twice: the morning and evening peaks. */
const DRIVE_PROBABILITY = 0.8;
const CELLS_PER_TRIP = 60;
/** Each camera keeps to its own part of the city: trips are drawn from its usual cells. */
const USUAL_CELLS = 240;
const DAY0_HOUR = 19_875 * 24; // 2024-06-01T00:00Z

/** Cells weighted by road importance: fleets concentrate on motorways and arterials. */
const CLASS_WEIGHT: Record<string, number> = { motorway: 6, trunk: 4, primary: 3, secondary: 2, tertiary: 1 };

export async function runExportBench(): Promise<BenchResult[]> {
  // The project's seeded generator: the bench must be reproducible.
  const prng = createPrng(14);
  const rnd = () => prng.next();
  const file = roadCellsFile as unknown as RoadCellsFile;
  const roadCells = parseRoadCells(file);
  const pool: string[] = [];
  for (const [cls, cells] of Object.entries(roadCells)) {
    const w = CLASS_WEIGHT[cls] ?? 1;
    for (const cell of cells.keys()) for (let i = 0; i < w; i++) pool.push(cell);
  }
  const usual = Array.from({ length: CAMERAS }, () =>
    Array.from({ length: USUAL_CELLS }, () => pool[Math.floor(rnd() * pool.length)]!),
  );

  const tGen = performance.now();
  const days: Record<string, import('../lib/insights/dayRollup.ts').DayCell>[] = [];
  const speedItems: SpeedHourItem[] = [];
  let contributions = 0;
  for (let d = 0; d < DAYS; d++) {
    const raws: RawContribution[] = [];
    for (let c = 0; c < CAMERAS; c++) {
      if (rnd() > DRIVE_PROBABILITY) continue;
      const pseudonym = `p${d}_${c}`; // unlinkable across days, as on the wire
      for (const peakHour of [7 + Math.floor(rnd() * 3), 16 + Math.floor(rnd() * 3)]) {
        const cells: Record<string, CellCounts> = {};
        for (let i = 0; i < CELLS_PER_TRIP; i++) {
          const cell = usual[c]![Math.floor(rnd() * USUAL_CELLS)]!;
          const speed = 8 + Math.floor(rnd() * 20);
          const prev = cells[cell];
          const brake = rnd() < 0.002 ? 1 : 0;
          if (prev) {
            prev.passes++;
            prev.exposureM += 103;
            prev.brakes += brake;
            prev.speeds[String(speed)] = (prev.speeds[String(speed)] ?? 0) + 1;
          } else
            cells[cell] = {
              passes: 1,
              exposureM: 103,
              brakes: brake,
              nearMisses: rnd() < 0.0005 ? 1 : 0,
              speeds: { [String(speed)]: 1 },
            };
        }
        raws.push({ epochHour: DAY0_HOUR + d * 24 + peakHour, pseudonym, cells });
        contributions++;
      }
    }
    const folded = foldDay(raws);
    days.push(folded.cells);
    for (const [epochHour, cells] of folded.hours) speedItems.push({ epochHour, cells });
  }
  const genS = (performance.now() - tGen) / 1000;

  const period = { kind: 'month' as const, from: '2024-06-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' };
  const seed = new Uint8Array(32).fill(14);
  const results: BenchResult[] = [];
  const note = `${CAMERAS} cameras, ${DAYS} days, ${contributions} trips folded by foldDay on the bundled Pittsburgh network (rollup ${genS.toFixed(1)} s)`;
  let rows = 0;
  let jsonBytes = 0;

  for (const format of ['parquet', 'csv'] as const) {
    const t0 = performance.now();
    const tables = buildExportTables({ days, speedItems, inRegion: () => true, roadCells, k: 5 });
    const built = await buildSignedExport({
      tables,
      format,
      insurerId: 'bench',
      period,
      generatedAtMs: Date.parse(period.to),
      k: 5,
      roadNetwork: { source: file.source, attribution: file.attribution },
      seed,
    });
    const s = (performance.now() - t0) / 1000;
    const bytes = built.files.reduce((n, f) => n + f.bytes.length, 0);
    rows = built.manifest.files.reduce((n, f) => n + f.rows, 0);
    jsonBytes = tables.reduce((n, t) => n + JSON.stringify(t.rows).length, 0);

    results.push(
      {
        name: `export.month_1k_cameras.${format}_s`,
        value: Math.round(s * 100) / 100,
        unit: 's',
        better: 'lower',
        note,
      },
      {
        name: `export.month_1k_cameras.${format}_kb`,
        value: Math.round(bytes / 1024),
        unit: 'KiB',
        better: 'lower',
        note: `${rows} rows in 4 files`,
      },
    );
  }
  results.push(
    { name: 'export.month_1k_cameras.rows', value: rows, unit: 'rows', better: 'higher', note },
    {
      name: 'export.month_1k_cameras.json_kb.baseline',
      value: Math.round(jsonBytes / 1024),
      unit: 'KiB',
      better: 'lower',
      note: 'plain baseline: the same rows as JSON arrays, uncompressed',
    },
  );
  return results;
}

// `npx tsx bench/exportBench.ts` prints the figures on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runExportBench())
    console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
}
