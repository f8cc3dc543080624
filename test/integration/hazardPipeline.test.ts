import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  // The spine's plain rule: ten distinct cameras in 20 minutes (the statistical rule has its own tests).
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    hazardRule: 'count',
    hazardMinCameras: 10,
  });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

/** Waits until the stream consumer has processed at least `n` events in total. */
async function processed(n: number) {
  await eventually(async () => ((await api.stats()).body.processed >= n ? true : undefined));
}

async function hazardsNear(lat: number, lng: number) {
  const res = await api.request('GET', `/v1/hazards?lat=${lat}&lng=${lng}&radiusM=500`);
  expect(res.status).toBe(200);
  return res.body.features as { properties: { cameras: number; kind: string } }[];
}

describe('the first hazard path, camera → HTTP → Kinesis → aggregator → DynamoDB → API', () => {
  const site = { lat: 40.4443, lng: -79.9436 };
  const cameras: { token: string }[] = [];
  const firstBatch: unknown[] = [];

  it('raises a hazard when ten cameras brake hard within the same 100 m and 20 minutes', async () => {
    for (let i = 0; i < 10; i++) cameras.push(await api.camera());
    const t0 = Date.now() - 10 * 60_000;
    for (const [i, cam] of cameras.entries()) {
      const p = offset(site.lat, site.lng, (i % 3) * 20 - 20, (i % 4) * 20 - 30);
      const body = batch([hardBrake({ ...p, ts: new Date(t0 + i * 30_000).toISOString() })]);
      if (i === 0) firstBatch.push(body);
      const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    await processed(10);
    const features = await eventually(async () => {
      const f = await hazardsNear(site.lat, site.lng);
      return f.length > 0 ? f : undefined;
    });
    expect(features).toHaveLength(1);
    expect(features[0]!.properties).toMatchObject({ kind: 'slowdown_or_obstruction', cameras: 10 });
  });

  it('leaves the camera count unchanged when the same batch is posted again', async () => {
    const res = await api.request('POST', '/v1/telemetry', { token: cameras[0]!.token, body: firstBatch[0] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const before = (await api.stats()).body.processed;
    // A new batch id with the same camera braking again: accepted, processed, but still one camera.
    const again = batch([hardBrake({ ...site })]);
    expect(
      (await api.request('POST', '/v1/telemetry', { token: cameras[0]!.token, body: again })).status,
    ).toBe(202);
    await processed(before + 1);
    const features = await hazardsNear(site.lat, site.lng);
    expect(features).toHaveLength(1);
    expect(features[0]!.properties.cameras).toBe(10);
  });

  it('raises nothing when only nine cameras brake', async () => {
    const quiet = { lat: 40.4589, lng: -80.0125 };
    const before = (await api.stats()).body.processed;
    for (let i = 0; i < 9; i++) {
      const cam = await api.camera();
      const body = batch([hardBrake({ ...offset(quiet.lat, quiet.lng, i * 5, 0) })]);
      expect((await api.request('POST', '/v1/telemetry', { token: cam.token, body })).status).toBe(202);
    }
    await processed(before + 9);
    expect(await hazardsNear(quiet.lat, quiet.lng)).toHaveLength(0);
  });
});
