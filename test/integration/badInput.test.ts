import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let cam: { token: string };

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 } });
  api = new ApiClient(stack.url, stack.operatorToken);
  cam = await api.camera();
});
afterAll(async () => {
  await stack.stop();
});

const post = (body: unknown, token = cam.token, headers: Record<string, string> = {}) =>
  api.request('POST', '/v1/telemetry', { token, body, headers });

function expectProblem(
  res: { status: number; headers: Headers; body: { status: number; type: string } },
  status: number,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.status).toBe(status);
}

describe('bad input at POST /v1/telemetry', () => {
  it('answers 400 malformed-body to a body that is not JSON', async () => {
    const res = await post('{"schema": 1,');
    expectProblem(res, 400);
    expect(res.body.type).toMatch(/malformed-body$/);
  });

  it('names the offending envelope field', async () => {
    const res = await post({ ...batch([hardBrake()]), batchId: 'not-a-uuid' });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/batchId' })]);
  });

  it('keeps the valid events of a mixed batch and lists the rejected ones', async () => {
    const res = await post(
      batch([hardBrake(), { ...hardBrake(), type: 'teleport' }, hardBrake({ lat: 91 })]),
    );
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(res.body.rejected[1].reason).toContain('/events/2/lat');
  });

  it('answers 400 naming every field when no event is valid', async () => {
    const res = await post(batch([hardBrake({ lng: -200 })]));
    expectProblem(res, 400);
    expect(res.body.errors[0]).toMatchObject({ index: 0, path: '/events/0/lng' });
  });

  it('rejects events from beyond the clock-skew tolerance', async () => {
    const res = await post(
      batch([hardBrake(), hardBrake({ ts: new Date(Date.now() + 3600_000).toISOString() })]),
    );
    expect(res.status).toBe(202);
    expect(res.body.rejected[0].reason).toContain('/events/1/ts');
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const res = await post(`{"pad":"${'x'.repeat(1024 * 1024)}"}`);
    expectProblem(res, 413);
  });

  it('accepts a gzip body and refuses a gzip bomb', async () => {
    const gz = gzipSync(JSON.stringify(batch([hardBrake()])));
    const ok = await post(new Uint8Array(gz), cam.token, { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toBe(1);
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expectProblem(await post(new Uint8Array(bomb), cam.token, { 'content-encoding': 'gzip' }), 413);
  });

  it('answers 401 without a token and with an unknown one', async () => {
    expectProblem(await api.request('POST', '/v1/telemetry', { body: batch([hardBrake()]) }), 401);
    expectProblem(await post(batch([hardBrake()]), 'dnd_forged'), 401);
  });

  it('answers 403 when the device has no network consent on record', async () => {
    const fresh = await api.camera(false);
    expectProblem(await post(batch([hardBrake()]), fresh.token), 403);
  });

  it('stops accepting at once when the device opts out', async () => {
    const c = await api.camera();
    expect((await post(batch([hardBrake()]), c.token)).status).toBe(202);
    expect(
      (await api.request('PUT', '/v1/consent', { token: c.token, body: { network: false } })).status,
    ).toBe(200);
    expectProblem(await post(batch([hardBrake()]), c.token), 403);
  });

  it('keeps serving after all of the above', async () => {
    const res = await api.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('bad input elsewhere', () => {
  it('names bbox when a hazards query has a malformed box', async () => {
    const res = await api.request('GET', '/v1/hazards?bbox=1,2,3');
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('/bbox');
  });

  it('refuses a radius over 50 km', async () => {
    const res = await api.request('GET', '/v1/hazards?lat=40&lng=-80&radiusM=60000');
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('/radiusM');
  });

  it('refuses device provisioning without the operator token', async () => {
    expectProblem(await api.request('POST', '/v1/devices', { token: 'nope' }), 401);
  });

  it('names the consent field when it is not a boolean', async () => {
    const res = await api.request('PUT', '/v1/consent', { token: cam.token, body: { network: 'yes' } });
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('/network');
  });

  it('answers 404 problem+json to an unknown route', async () => {
    expectProblem(await api.request('GET', '/v2/nothing'), 404);
  });
});
