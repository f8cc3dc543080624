import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../bin/commands/export.ts';
import { exportDepsFromEnv, runScheduledExports } from '../../functions/scheduled/insightsExport.ts';
import { rollupInsights } from '../../functions/scheduled/insightsRollup.ts';
import { type ExportManifest, verifyFile, verifyManifest } from '../../lib/insights/exportManifest.ts';
import { ENV } from '../../lib/resources.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, offset, tripThrough } from '../factories.ts';

const HOUR_MS = 3600_000;
let stack: LocalStackHandle;
let api: ApiClient;
let dir: string;
const keys: Record<'a' | 'b', { insurerId: string; apiKey: string }> = {} as never;
const regionA = '-80.0,40.44,-79.96,40.46';
const regionB = '-79.95,40.42,-79.90,40.44';

const origin = { lat: 40.4512, lng: -79.9801 };
const t0 = Date.now() - 20 * 60_000;
const points = Array.from({ length: 5 }, (_, i) => ({
  ...offset(origin.lat, origin.lng, 0, i * 150),
  ts: new Date(t0 + i * 12_000).toISOString(),
  heading: 90,
}));
const lonePoints = Array.from({ length: 3 }, (_, i) => ({
  ...offset(40.4412, origin.lng, 0, i * 150),
  ts: new Date(t0 + i * 12_000).toISOString(),
  heading: 90,
}));
const from = new Date(t0 - HOUR_MS).toISOString();
const to = new Date(Date.now() + HOUR_MS).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dashnet-exports-'));
  process.env[ENV.exportsDir] = dir;
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  for (const [name, region] of [
    ['a', regionA],
    ['b', regionB],
  ] as const) {
    const res = await api.request('POST', '/v1/insurers', {
      token: stack.operatorToken,
      body: { name: `insurer ${name}`, regions: [region] },
    });
    keys[name] = res.body;
  }
  // Six cameras on one street, three (fewer than k) on another one.
  for (let i = 0; i < 9; i++) {
    const cam = await api.camera();
    const trip = i < 6 ? tripThrough(points, 10 + i) : tripThrough(lonePoints, 9);
    expect(
      (await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch([trip]) })).status,
    ).toBe(202);
  }
  await eventually(async () => {
    const r = await rollupInsights(stack.deps, Date.now() + 26 * HOUR_MS);
    const seg = await api.request('GET', `/v1/insights/segments?bbox=${regionA}&from=${from}&to=${to}`, {
      headers: { 'x-api-key': keys.a.apiKey },
    });
    return r.partitions >= 0 && seg.body.cells.length > 0 ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await stack.stop();
  delete process.env[ENV.exportsDir];
  rmSync(dir, { recursive: true, force: true });
});

const buf = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('insurer exports through the local stack', () => {
  let listing: { manifest: ExportManifest; files: { name: string; url: string }[]; manifestUrl: string };

  it('builds an on-demand Parquet export whose files match the API and whose manifest verifies', async () => {
    const res = await api.request('POST', '/v1/insights/exports', {
      token: stack.operatorToken,
      body: { insurerId: keys.a.insurerId, from, to, format: 'parquet' },
    });
    expect(res.status).toBe(201);
    listing = res.body;
    const key = await api.request('GET', '/v1/insights/exports/public-key');
    await verifyManifest(listing.manifest, key.body.publicKey);
    const files: Record<string, Uint8Array> = {};
    for (const f of listing.files) {
      files[f.name] = new Uint8Array(await (await fetch(f.url)).arrayBuffer());
      await verifyFile(listing.manifest.files.find((e) => e.name === f.name)!, files[f.name]!);
    }
    const segments = await parquetReadObjects({ file: buf(files['segments.parquet']!) });
    const apiSeg = await api.request('GET', `/v1/insights/segments?bbox=${regionA}&from=${from}&to=${to}`, {
      headers: { 'x-api-key': keys.a.apiKey },
    });
    expect(segments.map((r) => [r.cell, r.exposure_km, Number(r.camera_days), r.speed_p50_mps])).toEqual(
      apiSeg.body.cells.map(
        (c: { cell: string; exposureKm: number; cameras: number; speedMps: { p50: number } }) => [
          c.cell,
          c.exposureKm,
          c.cameras,
          c.speedMps.p50,
        ],
      ),
    );
    // The street three cameras drove is in no file.
    const lone = new Set(lonePoints.map((p) => latLngToCell(p.lat, p.lng, 10)));
    expect(segments.some((r) => lone.has(String(r.cell)))).toBe(false);
    const speeds = await parquetReadObjects({ file: buf(files['speeds.parquet']!) });
    expect(speeds.length).toBeGreaterThan(0);
    expect(speeds.some((r) => lone.has(String(r.cell)))).toBe(false);
  });

  it('lists an insurer its own exports only, and opens none of another insurer’s files', async () => {
    const a = await api.request('GET', '/v1/insights/exports', { headers: { 'x-api-key': keys.a.apiKey } });
    expect(a.status).toBe(200);
    expect(a.body.exports).toHaveLength(1);
    const b = await api.request('GET', '/v1/insights/exports', { headers: { 'x-api-key': keys.b.apiKey } });
    expect(b.body.exports).toEqual([]);
    // B asks for A's export: forbidden.
    const steal = await api.request('POST', '/v1/insights/exports', {
      headers: { 'x-api-key': keys.b.apiKey },
      body: { insurerId: keys.a.insurerId, from, to, format: 'csv' },
    });
    expect(steal.status).toBe(403);
    // A URL re-pointed at another key, or with its signature altered, opens nothing.
    const url = new URL(listing.files[0]!.url);
    const moved = new URL(url);
    moved.searchParams.set('key', url.searchParams.get('key')!.replace(keys.a.insurerId, keys.b.insurerId));
    expect((await fetch(moved)).status).toBe(404);
    const forged = new URL(url);
    forged.searchParams.set('sig', 'A'.repeat(43));
    expect((await fetch(forged)).status).toBe(404);
    const expired = new URL(url);
    expired.searchParams.set('expires', String(Date.now() - 1));
    expect((await fetch(expired)).status).toBe(404);
  });

  it('audits every export like a query', async () => {
    const entries = await stack.deps.audit.all();
    expect(
      entries.some((e) => e.action === 'insurer.export' && e.target === `insurer:${keys.a.insurerId}`),
    ).toBe(true);
  });

  it('writes the scheduled daily and monthly files once per insurer and format', async () => {
    const x = exportDepsFromEnv();
    const later = Date.now() + 40 * 24 * HOUR_MS;
    const first = await runScheduledExports(stack.deps, x, later);
    expect(first).toMatchObject({ written: 8, skipped: 0 });
    const again = await runScheduledExports(stack.deps, x, later);
    expect(again).toMatchObject({ written: 0, skipped: 8 });
    expect(readdirSync(join(dir, 'files', 'insurers')).sort()).toEqual(
      [keys.a.insurerId, keys.b.insurerId].sort(),
    );
  });

  it('runs dashnet export end to end: downloads, verifies and writes the files with their schema', async () => {
    const out = join(dir, 'cli');
    const lines: string[] = [];
    const status = await exportCommand(
      [
        '--insurer',
        keys.a.insurerId,
        '--from',
        from,
        '--to',
        to,
        '--format',
        'csv',
        '--out',
        out,
        '--api',
        stack.url,
        '--operator-token',
        stack.operatorToken,
      ],
      { log: (l) => lines.push(l) },
    );
    expect(status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'coverage.csv',
      'hotspots.csv',
      'manifest.json',
      'schema.json',
      'segments.csv',
      'speeds.csv',
    ]);
    expect(await exportCommand(['--insurer', 'x', '--format', 'xml'], { log: () => {} })).toBe(2);
  });
});
