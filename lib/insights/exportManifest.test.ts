import { latLngToCell } from 'h3-js';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../util/canonicalJson.ts';
import { sumDays } from './cellTotals.ts';
import type { DayCell } from './dayRollup.ts';
import { tableToCsv } from './exportFormats.ts';
import {
  buildSignedExport,
  ExportError,
  verifyCsvHeader,
  verifyFile,
  verifyManifest,
} from './exportManifest.ts';
import { buildExportTables, EXPORT_SCHEMA } from './exportTables.ts';
import { hotspotRows, segmentRows } from './segmentInsights.ts';

const cells = Array.from({ length: 8 }, (_, i) => latLngToCell(40.45, -79.98 + i * 0.0018, 10));
const day = (cameras: number, brakes: number): Record<string, DayCell> =>
  Object.fromEntries(
    cells.map((c, i) => [
      c,
      {
        passes: 10 + i,
        exposureM: 1300 + 10 * i,
        brakes: i === 3 ? brakes : 0,
        nearMisses: i % 2,
        speeds: { '12': 6, '15': 4 + i },
        cameras: cameras + (i % 3),
      },
    ]),
  );
const days = [day(5, 4), day(6, 1), day(3, 9)];
const seed = new Uint8Array(32).fill(7);
const period = { kind: 'day' as const, from: '2024-05-01T00:00:00.000Z', to: '2024-05-02T00:00:00.000Z' };
const roadCells = { primary: new Map(cells.slice(0, 6).map((c) => [c, 140])) };
const tables = () => buildExportTables({ days, speedItems: [], inRegion: () => true, roadCells, k: 5 });
const build = (format: 'csv' | 'parquet') =>
  buildSignedExport({
    tables: tables(),
    format,
    insurerId: 'ins-1',
    period,
    generatedAtMs: Date.parse('2024-05-02T01:00:00Z'),
    k: 5,
    roadNetwork: { source: 'fixture', attribution: 'OSM contributors, ODbL' },
    seed,
  });

describe('insurer export files', () => {
  it('reads back with an independent Parquet reader and matches the API answers', async () => {
    const built = await build('parquet');
    const file = (name: string) => built.files.find((f) => f.name === name)!.bytes;
    const buf = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    const segments = await parquetReadObjects({ file: buf(file('segments.parquet')) });
    const api = segmentRows(sumDays(days, () => true, 5).values(), 5);
    expect(segments).toHaveLength(api.length);
    expect(api.length).toBeGreaterThan(0);
    for (const [i, row] of segments.entries()) {
      const a = api[i]!;
      expect(row.cell).toBe(a.cell);
      expect(row.exposure_km).toBe(a.exposureKm);
      expect(Number(row.camera_days)).toBe(a.cameras);
      expect(Number(row.passes)).toBe(a.passes);
      expect(row.hard_brakes_per_100km).toBe(a.hardBrakesPer100Km);
      expect(row.near_misses_per_100km).toBe(a.nearMissesPer100Km);
      expect(row.speed_p85_mps).toBe(a.speedMps?.p85 ?? null);
      expect(row.road_class).toBe(roadCells.primary.has(a.cell) ? 'primary' : null);
    }
    const hotspots = await parquetReadObjects({ file: buf(file('hotspots.parquet')) });
    const apiHot = hotspotRows(sumDays(days, () => true, 5).values(), 'hard_brake', 100, 5);
    const brakes = hotspots.filter((h) => h.metric === 'hard_brake');
    expect(
      brakes.map((h) => [h.cell, h.rate_per_100km, h.rate_per_100km_low, h.rate_per_100km_high]),
    ).toEqual(apiHot.map((h) => [h.cell, h.ratePer100Km.value, h.ratePer100Km.low, h.ratePer100Km.high]));
    const coverage = await parquetReadObjects({ file: buf(file('coverage.parquet')) });
    expect(coverage[0]).toMatchObject({ road_class: 'all', road_cells: 6n });
    expect(Object.keys(segments[0]!)).toEqual(EXPORT_SCHEMA.segments.map((c) => c.name));
    for (const entry of built.manifest.files) await verifyFile(entry, file(entry.name));
  });

  it('counts rows, hashes files and signs the manifest; any change breaks the signature', async () => {
    const built = await build('csv');
    await verifyManifest(built.manifest);
    expect(built.manifest.files.map((f) => f.rows)).toEqual(tables().map((t) => t.rows.length));
    for (const f of built.manifest.files)
      verifyCsvHeader(f, built.files.find((x) => x.name === f.name)!.bytes);
    const tampered = {
      ...built.manifest,
      files: built.manifest.files.map((f, i) => (i === 0 ? { ...f, rows: f.rows + 1 } : f)),
    };
    await expect(verifyManifest(tampered)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    const otherKey = (
      await buildSignedExport({
        ...{
          tables: [],
          format: 'csv',
          insurerId: 'x',
          period,
          generatedAtMs: 0,
          k: 5,
          roadNetwork: { source: '', attribution: '' },
        },
        seed: new Uint8Array(32).fill(9),
      })
    ).manifest.publicKey;
    await expect(verifyManifest(built.manifest, otherKey)).rejects.toBeInstanceOf(ExportError);
    const csv = built.files[0]!.bytes.slice();
    csv[csv.length - 3] = (csv[csv.length - 3] ?? 0) ^ 1;
    await expect(verifyFile(built.manifest.files[0]!, csv)).rejects.toMatchObject({ code: 'BAD_DIGEST' });
  });

  it('quotes CSV fields per RFC 4180 and writes null as empty', () => {
    const csv = new TextDecoder().decode(
      tableToCsv({ name: 'coverage', columns: EXPORT_SCHEMA.coverage.slice(0, 2), rows: [['a,"b"', null]] }),
    );
    expect(csv).toBe('road_class,road_km\r\n"a,""b""",\r\n');
  });

  it('signs a canonical form that ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
