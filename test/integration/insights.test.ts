import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import roadCellsFile from '../../data/roads/pgh_road_cells.json' with { type: 'json' };
import { rollupInsights } from '../../functions/scheduled/insightsRollup.ts';
import { createInsightsConsumerHandler } from '../../functions/stream/insightsConsumer.ts';
import { contributionsOf } from '../../lib/insights/contributions.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import { localContext } from '../../local/esmRunner.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset, tripThrough } from '../factories.ts';
import { readStreamRecords } from '../streamRecords.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let apiKey: string;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  const insurer = await api.request('POST', '/v1/insurers', {
    token: stack.operatorToken,
    body: { name: 'Safe Roads Mutual' },
  });
  expect(insurer.status).toBe(201);
  apiKey = insurer.body.apiKey;
});
afterAll(async () => {
  await stack.stop();
});

const HOUR_MS = 3600_000;
/** A stretch of road: points 150 m apart heading east, each in its own res-10 cell. */
function stretch(origin: { lat: number; lng: number }, n: number, t0: number) {
  return Array.from({ length: n }, (_, i) => ({
    ...offset(origin.lat, origin.lng, 0, i * 150),
    ts: new Date(t0 + i * 12_000).toISOString(),
    heading: 90,
  }));
}

const busy = { lat: 40.4512, lng: -79.9801 };
const quiet = { lat: 40.4312, lng: -79.9301 };
const bbox = '-80.0,40.42,-79.90,40.47';
const t0 = Date.now() - 20 * 60_000;
const busyPoints = stretch(busy, 6, t0);
const quietPoints = stretch(quiet, 3, t0);
const busyCells = new Set(busyPoints.map((p) => latLngToCell(p.lat, p.lng, 10)));
const quietCells = new Set(quietPoints.map((p) => latLngToCell(p.lat, p.lng, 10)));
const brakeAt = busyPoints[2]!;
const range = `from=${new Date(t0 - HOUR_MS).toISOString()}&to=${new Date(Date.now() + HOUR_MS).toISOString()}`;

const insurer = () => ({ headers: { 'x-api-key': apiKey } });

/** Raw items the insights consumer has written (work items aside). */
async function rawItems(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await stack.deps.clients.ddb.send(
      new ScanCommand({ TableName: stack.deps.names.insightsRawTable, ExclusiveStartKey: start }),
    );
    out.push(...(res.Items ?? []).filter((i) => String(i.pk).startsWith('raw#')));
    start = res.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

describe('insurer insights through the emulators', () => {
  let segmentsBefore: unknown;
  let expectedRaw = 0;

  it('aggregates trips and brakes into k-anonymous segments once the day is rolled up', async () => {
    const bodies: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const events: unknown[] = [tripThrough(busyPoints, 10 + i)];
      if (i < 4) events.push(hardBrake({ lat: brakeAt.lat, lng: brakeAt.lng, ts: brakeAt.ts }));
      bodies.push(events);
    }
    for (let i = 0; i < 3; i++) bodies.push([tripThrough(quietPoints, 11)]);
    for (const events of bodies) {
      const cam = await api.camera();
      const res = await api.request('POST', '/v1/telemetry', {
        token: cam.token,
        body: batch(events as unknown[]),
      });
      expect(res.status).toBe(202);
      // One raw item per record per partition-hour: what the consumer must write for this batch.
      expectedRaw += contributionsOf({
        v: 1,
        pseudonym: 'x'.repeat(16),
        batchKey: 'k'.repeat(8),
        events: events as StreamRecord['events'],
      }).length;
    }
    await eventually(async () => ((await rawItems()).length >= expectedRaw ? true : undefined));
    expect(await rawItems()).toHaveLength(expectedRaw);

    // Nothing is served before the day is folded: insurers read only the long-term aggregates.
    const early = await api.request('GET', `/v1/insights/segments?bbox=${bbox}&${range}`, insurer());
    expect(early.status).toBe(200);
    // (Unless the events fell on yesterday, whose fold the local schedule may already have run.)
    if (new Date(t0).getUTCDate() === new Date().getUTCDate()) expect(early.body.cells).toEqual([]);

    const report = await rollupInsights(stack.deps, Date.now() + 26 * HOUR_MS);
    expect(report.partitions).toBeGreaterThan(0);

    const res = await api.request('GET', `/v1/insights/segments?bbox=${bbox}&${range}`, insurer());
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(5);
    const cells = res.body.cells as { cell: string; cameras: number; passes: number; exposureKm: number }[];
    expect(new Set(cells.map((c) => c.cell))).toEqual(busyCells);
    for (const c of cells) expect(c).toMatchObject({ cameras: 6, passes: 6, exposureKm: 0.42 });
    const braking = cells.find((c) => c.cell === latLngToCell(brakeAt.lat, brakeAt.lng, 10)) as unknown as {
      hardBrakesPer100Km: number;
      speedMps: { p50: number; p85: number; p95: number };
    };
    expect(braking.hardBrakesPer100Km).toBeCloseTo((4 / 0.42) * 100, 0);
    expect(braking.speedMps.p50).toBeGreaterThan(10);
    expect(braking.speedMps.p50).toBeLessThanOrEqual(braking.speedMps.p85);
    expect(braking.speedMps.p85).toBeLessThanOrEqual(braking.speedMps.p95);
    for (const c of quietCells) expect(cells.map((x) => x.cell)).not.toContain(c);
    segmentsBefore = res.body;
  });

  it('ranks a claimed speed among the speeds observed there at that hour of the week', async () => {
    const p = busyPoints[1]!;
    const res = await api.request('POST', '/v1/insights/speed-check', {
      ...insurer(),
      body: { lat: p.lat, lng: p.lng, ts: p.ts, claimedSpeedMps: 14.5 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ withheld: false, scope: 'cell', sampleSize: 6, cameraDays: 6, k: 5 });
    expect(res.body.percentileRank).toBeGreaterThan(70);
    expect(res.body.percentileRank).toBeLessThan(100);
    expect(res.body.hourOfWeek).toBeGreaterThanOrEqual(0);

    const q = quietPoints[1]!;
    const withheld = await api.request('POST', '/v1/insights/speed-check', {
      ...insurer(),
      body: { lat: q.lat, lng: q.lng, ts: q.ts, claimedSpeedMps: 14.5 },
    });
    expect(withheld.status).toBe(200);
    expect(withheld.body.withheld).toBe(true);
    expect(withheld.body.percentileRank).toBeUndefined();
  });

  it('ranks hotspots by their rate with a 95 % interval', async () => {
    const res = await api.request(
      'GET',
      `/v1/insights/hotspots?bbox=${bbox}&metric=hard_brake&limit=5&${range}`,
      insurer(),
    );
    expect(res.status).toBe(200);
    expect(res.body.hotspots).toHaveLength(1);
    const top = res.body.hotspots[0];
    expect(top).toMatchObject({ rank: 1, cell: latLngToCell(brakeAt.lat, brakeAt.lng, 10), events: 4 });
    expect(top.ratePer100Km.low).toBeLessThan(top.ratePer100Km.value);
    expect(top.ratePer100Km.high).toBeGreaterThan(top.ratePer100Km.value);
    const none = await api.request(
      'GET',
      `/v1/insights/hotspots?bbox=${bbox}&metric=near_miss&${range}`,
      insurer(),
    );
    expect(none.body.hotspots).toEqual([]);
  });

  it('reports coverage of the road network per road class, counting only cells that meet k', async () => {
    const res = await api.request('GET', `/v1/coverage?bbox=${bbox}&${range}`, insurer());
    expect(res.status).toBe(200);
    // The denominator is the bundled OpenStreetMap network in the box, whatever was driven.
    const [minLng, minLat, maxLng, maxLat] = bbox.split(',').map(Number) as [number, number, number, number];
    const network = new Set(
      Object.values(roadCellsFile.classes)
        .flatMap((byCell) => Object.keys(byCell))
        .filter((c) => {
          const [lat, lng] = cellToLatLng(c);
          return lat >= minLat && lat <= maxLat && lng >= minLng && lng <= maxLng;
        }),
    );
    expect(network.size).toBeGreaterThan(100);
    expect(res.body).toMatchObject({
      roadCells: network.size,
      coveredCells: [...busyCells].filter((c) => network.has(c)).length,
    });
    expect(res.body.byClass.map((c: { roadClass: string }) => c.roadClass)).toContain('primary');
    // The quiet street (3 cameras) is no covered cell, and seen-but-withheld cells are counted nowhere.
    expect(JSON.stringify(res.body)).not.toMatch(/seen|withheld/i);
    const op = await api.request('GET', `/v1/coverage?bbox=${bbox}&${range}`, { token: stack.operatorToken });
    expect(op.status).toBe(200);
  });

  it('leaves every aggregate unchanged when the stream is replayed in other splits', async () => {
    const rawBefore = await rawItems();
    const records = await readStreamRecords(stack);
    expect(records.length).toBeGreaterThan(0);
    const consumer = createInsightsConsumerHandler(stack.deps);
    const invoke = (rs: KinesisStreamRecord[]) =>
      consumer({ Records: rs } as KinesisStreamEvent, localContext('insightsConsumer'));
    // Whole, then one record at a time in reverse, then in pairs.
    await invoke(records);
    for (const r of [...records].reverse()) await invoke([r]);
    for (let i = 0; i < records.length; i += 2) await invoke(records.slice(i, i + 2));
    expect(await rawItems()).toEqual(rawBefore);

    await rollupInsights(stack.deps, Date.now() + 26 * HOUR_MS);
    await rollupInsights(stack.deps, Date.now() + 26 * HOUR_MS);
    const res = await api.request('GET', `/v1/insights/segments?bbox=${bbox}&${range}`, insurer());
    expect(res.body).toEqual(segmentsBefore);
  });

  it('answers a missing or unknown API key with 401 and a device token with 403, as problem+json', async () => {
    const missing = await api.request('GET', `/v1/insights/segments?bbox=${bbox}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await api.request('GET', `/v1/insights/segments?bbox=${bbox}`, {
      headers: { 'x-api-key': 'dni_not-a-key' },
    });
    expect(wrong.status).toBe(401);
    const cam = await api.camera();
    const device = await api.request('POST', '/v1/insights/speed-check', {
      token: cam.token,
      body: { lat: busy.lat, lng: busy.lng, ts: new Date().toISOString(), claimedSpeedMps: 10 },
    });
    expect(device.status).toBe(403);
    expect(device.headers.get('content-type')).toContain('application/problem+json');
  });

  it('names the offending fields of a bad query', async () => {
    const res = await api.request('GET', '/v1/insights/hotspots?bbox=1,2,3&metric=speeding', insurer());
    expect(res.status).toBe(400);
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/bbox', '/metric']));
  });
});
