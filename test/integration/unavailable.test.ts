import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 } });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

describe('when a dependency is down', () => {
  it('answers 503 with Retry-After, so the camera keeps the batch and retries it', async () => {
    const cam = await api.camera();
    await stack.emulators.close();
    const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch([hardBrake()]) });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await api.request('GET', '/healthz')).status).toBe(503);
  });
});
