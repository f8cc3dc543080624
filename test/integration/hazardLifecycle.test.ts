import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { gridDisk, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregatorHandler } from '../../functions/registry.ts';
import { localContext } from '../../local/esmRunner.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset, tripThrough } from '../factories.ts';
import { readStreamRecords } from '../streamRecords.ts';

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  // The default, statistical rule: braking share against exposure and the learned baseline.
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 } });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();

async function post(token: string, events: unknown[]) {
  const res = await api.request('POST', '/v1/telemetry', { token, body: batch(events) });
  expect(res.status).toBe(202);
}

async function settle() {
  const accepted = (await api.stats()).body.accepted;
  await eventually(async () => ((await api.stats()).body.processed >= accepted ? true : undefined));
}

async function near(site: { lat: number; lng: number }, query = '') {
  const res = await api.request('GET', `/v1/hazards?lat=${site.lat}&lng=${site.lng}&radiusM=400${query}`);
  expect(res.status).toBe(200);
  return res.body.features as {
    id: string;
    properties: { id: string; cameras: number; heading?: number; clearedAt?: string };
  }[];
}

/** A point in a neighbouring res-10 cell, 10 m steps away from the site. */
function neighbourPoint(site: { lat: number; lng: number }) {
  const home = latLngToCell(site.lat, site.lng, 10);
  for (let m = 10; m < 200; m += 5) {
    const p = offset(site.lat, site.lng, 0, m);
    const c = latLngToCell(p.lat, p.lng, 10);
    if (c !== home && gridDisk(home, 1).includes(c)) return p;
  }
  throw new Error('no neighbour found');
}

describe('hazard lifecycle through the emulators', () => {
  const site = { lat: 40.4512, lng: -79.9801 };
  const t0 = Date.now() - 15 * 60_000;

  it('raises one hazard from ten brakes split across two adjacent cells', async () => {
    const other = neighbourPoint(site);
    for (let i = 0; i < 10; i++) {
      const cam = await api.camera();
      const p = i < 5 ? site : other;
      const ts = iso(t0 + i * 20_000);
      await post(cam.token, [hardBrake({ ...p, ts, heading: 90 }), tripThrough([{ ...p, ts, heading: 90 }])]);
    }
    await settle();
    const hazards = await near(site);
    expect(hazards).toHaveLength(1);
    expect(hazards[0]!.properties).toMatchObject({ cameras: 10, heading: 90 });
  });

  it('does not alert the opposite carriageway: its hazard keeps its own heading', async () => {
    const hazards = await near(site);
    expect(hazards.every((h) => h.properties.heading === 90)).toBe(true);
  });

  it('leaves every count and hazard unchanged when the whole stream is replayed in other splits', async () => {
    const before = await snapshot();
    const records = await readStreamRecords(stack);
    const handler = createAggregatorHandler(stack.deps);
    for (const size of [1, 3, records.length]) {
      for (let i = 0; i < records.length; i += size) {
        const event: KinesisStreamEvent = { Records: records.slice(i, i + size) };
        expect(await handler(event, localContext('aggregator'))).toEqual({ batchItemFailures: [] });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('clears the hazard when cameras pass without braking, and keeps it in history', async () => {
    const [hazard] = await near(site);
    const passAt = t0 + 8 * 60_000;
    for (let i = 0; i < 4; i++) {
      const cam = await api.camera();
      await post(cam.token, [tripThrough([{ ...site, ts: iso(passAt + i * 10_000), heading: 90 }])]);
    }
    await settle();
    await eventually(async () => ((await near(site)).length === 0 ? true : undefined));
    const bbox = `${site.lng - 0.01},${site.lat - 0.01},${site.lng + 0.01},${site.lat + 0.01}`;
    const history = await api.request(
      'GET',
      `/v1/hazards/history?bbox=${bbox}&from=${iso(t0 - 3600_000)}&to=${iso(Date.now())}`,
    );
    expect(history.status).toBe(200);
    const past = history.body.features.find((f: { id: string }) => f.id === hazard!.id);
    expect(past.properties.clearedAt).toBeDefined();
    // …and `at=` a time while it was active still finds it.
    expect((await near(site, `&at=${iso(t0 + 5 * 60_000)}`)).map((h) => h.id)).toContain(hazard!.id);
  });
});

describe('a busy junction', () => {
  it('raises no hazard when 6 of 60 passing cameras brake', async () => {
    const junction = { lat: 40.4389, lng: -80.0032 };
    const t0 = Date.now() - 18 * 60_000;
    for (let i = 0; i < 60; i++) {
      const cam = await api.camera();
      const ts = iso(t0 + i * 15_000);
      const events: unknown[] = [tripThrough([{ ...junction, ts, heading: 180 }])];
      if (i % 10 === 0) events.push(hardBrake({ ...junction, ts, heading: 180 }));
      await post(cam.token, events);
    }
    await settle();
    expect(await near(junction)).toHaveLength(0);
  });
});

/** Every item of the buckets and hazards tables, sorted: what "unchanged" means. */
async function snapshot() {
  const scan = async (table: string) => {
    const res = await stack.deps.clients.ddb.send(
      new ScanCommand({ TableName: table, ConsistentRead: true }),
    );
    return (res.Items ?? [])
      .map((i) => JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v)))
      .sort();
  };
  return {
    buckets: await scan(stack.deps.names.bucketsTable),
    hazards: await scan(stack.deps.names.hazardsTable),
  };
}
