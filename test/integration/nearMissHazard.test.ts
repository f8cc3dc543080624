import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { createSeededRandom } from '../../edge/core/random.ts';
import { MemoryStorage } from '../../edge/core/storage.ts';
import { DEFAULT_EDGE_CONFIG } from '../../edge/edgeConfig.ts';
import { EdgePipeline } from '../../edge/pipeline.ts';
import type { LocatedEvent } from '../../edge/privacy/redactor.ts';
import { syntheticDrive } from '../../edge/testing/syntheticDrive.ts';
import { rollupInsights } from '../../functions/scheduled/insightsRollup.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let apiKey: string;
const MODEL = readBadasModel();

beforeAll(async () => {
  // The default (statistical) rule for brakes; near misses bring their own rule from the hazard-kind table.
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  const insurer = await api.request('POST', '/v1/insurers', {
    token: stack.operatorToken,
    body: { name: 'Near Miss Mutual' },
  });
  expect(insurer.status).toBe(201);
  apiKey = insurer.body.apiKey;
});
afterAll(async () => {
  await stack.stop();
});

/** Seconds into each drive at which the lead brakes hard (30 s parked, 10 s accelerating, 100 s cruising). */
const CLOSE_CALL_S = 140;

/**
 * One camera's uplink for a drive along the same road: the real camera pipeline on synthetic
 * GPS/IMU (its own noise), with 10 Hz lead kinematics in which the lead brakes hard at the same
 * place, and, when `closeCall` is false, just follows. Returns what its durable queue would POST.
 */
function cameraDrive(
  seed: string,
  startMs: number,
  closeCall: boolean,
  origin: { lat: number; lng: number },
) {
  const d = syntheticDrive({
    seed,
    startMs,
    lat: origin.lat,
    lng: origin.lng,
    headingDeg: 90,
    gpsHz: 1,
    imuHz: 10,
    mount: { yawDeg: 10, pitchDeg: -5, rollDeg: 0 },
    gyro: false,
    gpsNoiseM: 3,
    imuNoiseMps2: 0.2,
    phases: [
      { kind: 'stop', durationS: 30 },
      { kind: 'speed', toMps: 15, accelMps2: 1.5 },
      { kind: 'cruise', durationS: 240 },
      { kind: 'speed', toMps: 0, accelMps2: 1.5 },
      { kind: 'stop', durationS: 60 },
    ],
  });
  const detected: LocatedEvent[] = [];
  const pipeline = new EdgePipeline(
    {
      clock: new ManualClock(),
      random: createSeededRandom(seed),
      storage: new MemoryStorage(),
      logger: silentLogger,
      badasModel: MODEL,
    },
    { ...DEFAULT_EDGE_CONFIG, networkSharing: true },
    { record: (e) => detected.push(e) },
  );
  const samples: { tMs: number; order: number; feed: () => void }[] = [
    ...d.gps.map((g) => ({ tMs: g.tMs, order: 0, feed: () => pipeline.pushGps(g) })),
    ...d.imu.map((s) => ({ tMs: s.tMs, order: 1, feed: () => pipeline.pushImu(s) })),
  ];
  let gap = 20;
  for (let i = 450; i < 2800; i++) {
    const r = i / 10 - CLOSE_CALL_S;
    let closing = 0;
    if (closeCall) {
      if (r >= 0 && r < 1) closing = 8 * r;
      else if (r >= 1 && r < 2) closing = 8;
      else if (r >= 2 && r < 3.5) closing = 8 - (8 / 1.5) * (r - 2);
      else if (r >= 3.5 && r < 12.5) closing = -2;
    }
    gap -= closing / 10;
    const tMs = startMs + i * 100;
    const lead = { leadGapM: gap, leadClosingMps: closing };
    samples.push({ tMs, order: 2, feed: () => void pipeline.pushFrame(tMs, lead) });
  }
  samples.sort((a, b) => a.tMs - b.tMs || a.order - b.order);
  for (const s of samples) s.feed();
  pipeline.finish();
  return {
    bodies: pipeline.queue.bodies().map((b) => JSON.parse(b) as { events: { type: string }[] }),
    detected,
  };
}

async function post(bodies: unknown[]): Promise<number> {
  const cam = await api.camera();
  let accepted = 0;
  for (const body of bodies) {
    const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
    expect(res.status).toBe(202);
    accepted += res.body.accepted;
  }
  return accepted;
}

async function processed(n: number) {
  await eventually(async () => ((await api.stats()).body.processed >= n ? true : undefined), 60_000);
}

async function hazardsNear(lat: number, lng: number) {
  const res = await api.request('GET', `/v1/hazards?lat=${lat}&lng=${lng}&radiusM=1500`);
  expect(res.status).toBe(200);
  return res.body.features as { properties: { kind: string; cameras: number; cell: string } }[];
}

describe('near misses, camera → ingest → Kinesis → aggregator → hazards, feeds and insights', () => {
  const road = { lat: 40.4401, lng: -79.9959 };
  const quietRoad = { lat: 40.4601, lng: -79.9559 };
  const nearMissCells: string[] = [];
  /** Where the close calls happened (the first camera's exact record): ~1.6 km along the road. */
  let site = road;

  it('raises a near-miss hazard when five cameras have close calls at one place within the hour', async () => {
    const t0 = Date.now() - 50 * 60_000;
    let total = 0;
    for (let c = 0; c < 5; c++) {
      const { bodies, detected } = cameraDrive(`nm-${c}`, t0 + c * 6 * 60_000, true, road);
      const nm = detected.filter((e) => e.type === 'near_miss');
      expect(nm).toHaveLength(1);
      nearMissCells.push(latLngToCell(nm[0]!.lat, nm[0]!.lng, 10));
      if (c === 0) site = { lat: nm[0]!.lat, lng: nm[0]!.lng };
      // The uplink carries it, redacted; the camera's device-local record keeps the exact one.
      expect(bodies.flatMap((b) => b.events).filter((e) => e.type === 'near_miss')).toHaveLength(1);
      total += await post(bodies);
    }
    await processed(total);
    const features = await eventually(async () => {
      const f = (await hazardsNear(site.lat, site.lng)).filter((h) => h.properties.kind === 'near_miss');
      return f.length > 0 ? f : undefined;
    });
    expect(features).toHaveLength(1);
    expect(features[0]!.properties.cameras).toBeGreaterThanOrEqual(3);
    // Near misses are not hard brakes: no slowdown hazard from them.
    expect((await hazardsNear(site.lat, site.lng)).map((h) => h.properties.kind)).toEqual(['near_miss']);

    const cifs = await api.request(
      'GET',
      `/v1/feeds/waze-cifs.json?bbox=${site.lng - 0.05},${site.lat - 0.05},${site.lng + 0.05},${site.lat + 0.05}`,
    );
    expect(cifs.status).toBe(200);
    expect(cifs.body.incidents).toEqual([
      expect.objectContaining({ type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' }),
    ]);
  });

  it('raises nothing when two cameras have close calls there', async () => {
    const before = (await api.stats()).body.processed;
    const t0 = Date.now() - 30 * 60_000;
    let total = 0;
    for (let c = 0; c < 2; c++)
      total += await post(cameraDrive(`q-${c}`, t0 + c * 60_000, true, quietRoad).bodies);
    await processed(before + total);
    expect(await hazardsNear(quietRoad.lat, quietRoad.lng + 0.02)).toEqual([]);
  });

  it('counts the near misses in the insurers’ hotspots once the day is rolled up', async () => {
    await rollupInsights(stack.deps, Date.now() + 26 * 3600_000);
    const bbox = `${road.lng - 0.05},${road.lat - 0.05},${road.lng + 0.05},${road.lat + 0.05}`;
    const range = `from=${new Date(Date.now() - 3 * 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`;
    const res = await api.request(
      'GET',
      `/v1/insights/hotspots?bbox=${bbox}&metric=near_miss&limit=10&${range}`,
      {
        headers: { 'x-api-key': apiKey },
      },
    );
    expect(res.status).toBe(200);
    const hotspots = res.body.hotspots as { cell: string; events: number; cameras: number }[];
    // The five cameras' near misses fell into one res-10 cell (k = 5 cameras: not withheld).
    expect(new Set(nearMissCells).size).toBe(1);
    expect(hotspots).toHaveLength(1);
    expect(hotspots[0]).toMatchObject({ rank: 1, cell: nearMissCells[0], events: 5, cameras: 5 });
  });
});
