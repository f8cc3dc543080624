/**
 * Poisoning the hazard feed by colluding devices (docs/security.md §Poisoning), under the
 * production rule (statistical: a binomial test against the cell's learned braking rate, at
 * least 3 distinct cameras and half of those passing). One device alone never raises a hazard
 * (test/integration/privacy.test.ts); this states what a few colluding ones can do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, hazardRule: 'statistical' });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

async function processed(n: number) {
  await eventually(async () => ((await api.stats()).body.processed >= n ? true : undefined));
}

async function hazardsNear(site: { lat: number; lng: number }) {
  const res = await api.request('GET', `/v1/hazards?lat=${site.lat}&lng=${site.lng}&radiusM=300`);
  expect(res.status).toBe(200);
  return res.body.features as { properties: { cameras: number } }[];
}

/** `devices` colluding cameras each "brake" `times` times at a quiet site within minutes. */
async function collude(site: { lat: number; lng: number }, devices: number, times: number) {
  const before = (await api.stats()).body.processed as number;
  const t0 = Date.now() - 8 * 60_000;
  for (let d = 0; d < devices; d++) {
    const cam = await api.camera();
    const events = Array.from({ length: times }, (_, i) =>
      hardBrake({
        ...offset(site.lat, site.lng, d * 10, i * 3),
        ts: new Date(t0 + (d * times + i) * 2000).toISOString(),
      }),
    );
    const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch(events) });
    expect(res.body.accepted).toBe(times);
  }
  await processed(before + devices * times);
}

describe('colluding devices on a quiet road', () => {
  it('raise nothing with three devices, however often each one brakes', async () => {
    const site = { lat: 40.4712, lng: -79.9603 };
    await collude(site, 3, 30);
    // Let a second aggregation pass run: nothing is pending that could still raise it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await hazardsNear(site)).toHaveLength(0);
  });

  it('raise a hazard with four devices: the bound of the statistical rule on a road no one else drives', async () => {
    const site = { lat: 40.4301, lng: -80.0209 };
    await collude(site, 4, 1);
    const features = await eventually(async () => {
      const f = await hazardsNear(site);
      return f.length > 0 ? f : undefined;
    });
    expect(features[0]!.properties.cameras).toBe(4);
  });
});
