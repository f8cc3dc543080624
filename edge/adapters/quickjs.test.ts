import { describe, expect, it } from 'vitest';
import type { GetRequest } from '../alerts/hazardCache.ts';
import { createQuickJsPlatform, type QuickJsHost } from './quickjs.ts';

/** A host that records what `send` received and answers 200. */
function recordingHost() {
  const calls: { url: string; body: string; method: string }[] = [];
  const host: QuickJsHost = {
    nowMs: () => 0,
    randomSeed: 's',
    storageGet: () => null,
    storageSet: () => {},
    storageDelete: () => {},
    log: () => {},
    send: async (url, _headersJson, body, method) => {
      calls.push({ url, body, method });
      return JSON.stringify({ status: 200, headers: {}, body: '{}' });
    },
  };
  return { host, calls };
}

describe('QuickJS platform transport', () => {
  it('hands the host a POST with its body for telemetry', async () => {
    const { host, calls } = recordingHost();
    const transport = createQuickJsPlatform(host).transport!;
    await transport({ url: 'http://api/v1/telemetry', headers: {}, body: '{"schema":1}' });
    expect(calls).toEqual([{ url: 'http://api/v1/telemetry', body: '{"schema":1}', method: 'POST' }]);
  });

  it('hands the host a GET without a body for hazard reads', async () => {
    const { host, calls } = recordingHost();
    const transport = createQuickJsPlatform(host).transport!;
    const req: GetRequest = {
      method: 'GET',
      url: 'http://api/v1/hazards?lat=1&lng=2',
      headers: {},
      body: 'x',
    };
    const res = await transport(req);
    expect(calls).toEqual([{ url: 'http://api/v1/hazards?lat=1&lng=2', body: '', method: 'GET' }]);
    expect(res.status).toBe(200);
  });
});
