import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaOfCell } from '../../functions/adapters/hazardStore.ts';
import { createAggregatorHandler } from '../../functions/registry.ts';
import { localContext } from '../../local/esmRunner.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset, tripThrough } from '../factories.ts';
import { readStreamRecords } from '../streamRecords.ts';
import { type ExternalEmulator, startDynamoDbLocal, startKinesisLocal } from './awsEmulators.ts';

let dynamodb: ExternalEmulator | undefined;
let kinesis: ExternalEmulator | undefined;
let stack: LocalStackHandle | undefined;
let api: ApiClient;
const logs: string[] = [];

beforeAll(async () => {
  // Assigned as each comes up, so afterAll stops whichever started even if the other failed.
  await Promise.all([
    startDynamoDbLocal().then((e) => {
      dynamodb = e;
    }),
    startKinesisLocal().then((e) => {
      kinesis = e;
    }),
  ]);
  // The same stack as the integration tests (provisioning, event source mappings, HTTP API),
  // only against AWS's emulators: the spine's plain rule, ten distinct cameras in 20 minutes.
  stack = await startLocalStack({
    endpoints: { kinesis: kinesis!.endpoint, dynamodb: dynamodb!.endpoint },
    esm: { maxBatchingWindowS: 0.1 },
    hazardRule: 'count',
    hazardMinCameras: 10,
    log: (line) => logs.push(line),
  });
  api = new ApiClient(stack.url, stack.operatorToken);
});

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    await Promise.all([dynamodb?.stop(), kinesis?.stop()]);
  }
  // The consumers' own complaints (failed polls, retried batches): a difference shows here first.
  if (logs.length > 0) console.warn(`local stack log:\n${logs.slice(0, 50).join('\n')}`);
});

const iso = (ms: number) => new Date(ms).toISOString();

async function post(token: string, events: unknown[]) {
  const res = await api.request('POST', '/v1/telemetry', { token, body: batch(events) });
  expect(res.status).toBe(202);
  return res;
}

/** Waits until the stream consumer has processed at least `n` events in total. */
async function processed(n: number) {
  await eventually(async () => ((await api.stats()).body.processed >= n ? true : undefined), 60_000);
}

/** Waits until every accepted event has been processed. */
async function settle() {
  await processed((await api.stats()).body.accepted);
}

interface HazardFeature {
  id: string;
  properties: { id: string; cameras: number; kind: string; heading?: number; clearedAt?: string };
}

async function hazardsNear(site: { lat: number; lng: number }, query = ''): Promise<HazardFeature[]> {
  const res = await api.request('GET', `/v1/hazards?lat=${site.lat}&lng=${site.lng}&radiusM=500${query}`);
  expect(res.status).toBe(200);
  return res.body.features as HazardFeature[];
}

describe('the first hazard path on DynamoDB Local and kinesis-local', () => {
  const site = { lat: 40.4443, lng: -79.9436 };
  const cameras: { token: string }[] = [];
  const firstBatch: unknown[] = [];

  it('raises a hazard when ten cameras brake hard within the same 100 m and 20 minutes', async () => {
    for (let i = 0; i < 10; i++) cameras.push(await api.camera());
    const t0 = Date.now() - 10 * 60_000;
    for (const [i, cam] of cameras.entries()) {
      const p = offset(site.lat, site.lng, (i % 3) * 20 - 20, (i % 4) * 20 - 30);
      const body = batch([hardBrake({ ...p, ts: iso(t0 + i * 30_000) })]);
      if (i === 0) firstBatch.push(body);
      const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    await processed(10);
    const features = await eventually(async () => {
      const f = await hazardsNear(site);
      return f.length > 0 ? f : undefined;
    }, 30_000);
    expect(features).toHaveLength(1);
    expect(features[0]!.properties).toMatchObject({ kind: 'slowdown_or_obstruction', cameras: 10 });
  });

  it('leaves the camera count unchanged when the same batch is posted again', async () => {
    const res = await api.request('POST', '/v1/telemetry', { token: cameras[0]!.token, body: firstBatch[0] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const before = (await api.stats()).body.processed;
    // A new batch id with the same camera braking again: accepted, processed, still one camera.
    await post(cameras[0]!.token, [hardBrake({ ...site })]);
    await processed(before + 1);
    const features = await hazardsNear(site);
    expect(features).toHaveLength(1);
    expect(features[0]!.properties.cameras).toBe(10);
  });

  it('raises nothing when only nine cameras brake', async () => {
    const quiet = { lat: 40.4589, lng: -80.0125 };
    const before = (await api.stats()).body.processed;
    for (let i = 0; i < 9; i++) {
      const cam = await api.camera();
      await post(cam.token, [hardBrake({ ...offset(quiet.lat, quiet.lng, i * 5, 0) })]);
    }
    await processed(before + 9);
    expect(await hazardsNear(quiet)).toHaveLength(0);
  });
});

describe('the hazard lifecycle on DynamoDB Local and kinesis-local', () => {
  const site = { lat: 40.4512, lng: -79.9801 };
  const t0 = Date.now() - 15 * 60_000;
  let hazard: HazardFeature;

  it('raises one hazard, listed in the sparse active index, from ten cameras braking eastbound', async () => {
    for (let i = 0; i < 10; i++) {
      const cam = await api.camera();
      const p = offset(site.lat, site.lng, 0, (i % 3) * 5);
      const ts = iso(t0 + i * 20_000);
      await post(cam.token, [hardBrake({ ...p, ts, heading: 90 }), tripThrough([{ ...p, ts, heading: 90 }])]);
    }
    await settle();
    const hazards = await eventually(async () => {
      const h = await hazardsNear(site);
      return h.length > 0 ? h : undefined;
    }, 30_000);
    expect(hazards).toHaveLength(1);
    expect(hazards[0]!.properties).toMatchObject({ cameras: 10, heading: 90 });
    hazard = hazards[0]!;
    const item = await hazardItem(hazard.id);
    expect(item.activeArea).toBe(areaOfCell(String(item.cell)));
  });

  it('changes no bucket or hazard item when the whole stream is replayed in other splits', async () => {
    const before = await snapshot();
    const records = await readStreamRecords(stack!);
    expect(records.length).toBeGreaterThanOrEqual(30);
    const handler = createAggregatorHandler(stack!.deps);
    for (const size of [1, 3, records.length]) {
      for (let i = 0; i < records.length; i += size) {
        const event: KinesisStreamEvent = { Records: records.slice(i, i + size) };
        expect(await handler(event, localContext('aggregator'))).toEqual({ batchItemFailures: [] });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('clears the hazard when cameras pass without braking: gone from the active index, kept in history', async () => {
    const passAt = t0 + 8 * 60_000;
    for (let i = 0; i < 4; i++) {
      const cam = await api.camera();
      await post(cam.token, [tripThrough([{ ...site, ts: iso(passAt + i * 10_000), heading: 90 }])]);
    }
    await settle();
    const item = await eventually(async () => {
      const i = await hazardItem(hazard.id);
      return i.clearedAtMs !== undefined ? i : undefined;
    }, 30_000);
    // REMOVE activeArea takes the item out of the sparse GSI; the index is eventually consistent.
    expect(item.activeArea).toBeUndefined();
    await eventually(async () => {
      const active = await stack!.deps.hazards.listActive([areaOfCell(String(item.cell))]);
      return active.some((h) => h.id === hazard.id) ? undefined : true;
    }, 30_000);
    await eventually(async () => ((await hazardsNear(site)).length === 0 ? true : undefined), 30_000);
    const bbox = `${site.lng - 0.01},${site.lat - 0.01},${site.lng + 0.01},${site.lat + 0.01}`;
    const history = await api.request(
      'GET',
      `/v1/hazards/history?bbox=${bbox}&from=${iso(t0 - 3600_000)}&to=${iso(Date.now())}`,
    );
    expect(history.status).toBe(200);
    const past = (history.body.features as HazardFeature[]).find((f) => f.id === hazard.id);
    expect(past?.properties.clearedAt).toBeDefined();
    expect((await hazardsNear(site, `&at=${iso(t0 + 5 * 60_000)}`)).map((h) => h.id)).toContain(hazard.id);
  });
});

/** Every item of a table, strongly consistent, all pages. */
async function scanTable(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await stack!.deps.clients.ddb.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The stored hazard item with this id (from the base table, not the index). */
async function hazardItem(id: string): Promise<Record<string, unknown>> {
  const item = (await scanTable(stack!.deps.names.hazardsTable)).find((i) => i.id === id);
  if (!item) throw new Error(`no hazard item ${id}`);
  return item;
}

/** Every item of the buckets and hazards tables, sorted: what "unchanged" means. */
async function snapshot() {
  const text = async (table: string) =>
    (await scanTable(table))
      .map((i) => JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v)))
      .sort();
  return {
    buckets: await text(stack!.deps.names.bucketsTable),
    hazards: await text(stack!.deps.names.hazardsTable),
  };
}
