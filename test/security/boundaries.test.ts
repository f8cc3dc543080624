/**
 * Boundaries a valid credential must not cross, and HTTP hygiene (docs/security.md): an
 * insurer's key outside its regions; security headers on the API's answers and on the map page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { mapRoutes } from '../../local/mapRoutes.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let regional: string;
let national: string;

/** Pittsburgh, as `[minLng, minLat, maxLng, maxLat]`. */
const REGION = [-80.1, 40.3, -79.8, 40.6];
const INSIDE = '-80.0,40.4,-79.9,40.5';
const OUTSIDE = '-74.1,40.6,-73.9,40.8';
const STRADDLING = '-79.85,40.55,-79.75,40.65';

beforeAll(async () => {
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    deletionWorkerIntervalMs: 0,
    extra: (stack) =>
      mapRoutes({
        roadsFile: new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url),
        webDir: new URL('../../web/', import.meta.url),
        cells: () => [],
        detectorWindowMinutes: stack.deps.detector.windowMinutes,
      }),
  });
  api = new ApiClient(stack.url, stack.operatorToken);
  const insurer = async (body: object) =>
    (await api.request('POST', '/v1/insurers', { token: stack.operatorToken, body })).body.apiKey as string;
  regional = await insurer({ name: 'Allegheny Mutual', regions: [REGION] });
  national = await insurer({ name: 'Nationwide Co' });
});
afterAll(async () => {
  await stack.stop();
});

const asInsurer = (key: string, method: string, path: string, body?: unknown) =>
  api.request(method, path, { headers: { 'x-api-key': key }, ...(body ? { body } : {}) });

describe("an insurer's key outside its regions", () => {
  for (const path of ['/v1/insights/segments', '/v1/insights/hotspots', '/v1/coverage']) {
    const q = path.endsWith('hotspots') ? '&metric=hard_brake' : '';
    it(`answers ${path} inside the region and 403 outside it or across its edge`, async () => {
      expect((await asInsurer(regional, 'GET', `${path}?bbox=${INSIDE}${q}`)).status).toBe(200);
      for (const bbox of [OUTSIDE, STRADDLING]) {
        const res = await asInsurer(regional, 'GET', `${path}?bbox=${bbox}${q}`);
        expect(res.status).toBe(403);
        expect(res.body.type).toMatch(/forbidden$/);
      }
    });
  }

  it('refuses a speed check at a point outside the region', async () => {
    const at = { ts: new Date().toISOString(), claimedSpeedMps: 20 };
    const inside = await asInsurer(regional, 'POST', '/v1/insights/speed-check', {
      lat: 40.44,
      lng: -79.99,
      ...at,
    });
    expect(inside.status).toBe(200);
    const outside = await asInsurer(regional, 'POST', '/v1/insights/speed-check', {
      lat: 40.71,
      lng: -74.0,
      ...at,
    });
    expect(outside.status).toBe(403);
  });

  it('leaves an insurer registered without regions unrestricted, and operators too', async () => {
    expect((await asInsurer(national, 'GET', `/v1/insights/segments?bbox=${OUTSIDE}`)).status).toBe(200);
    const op = await api.request('GET', `/v1/coverage?bbox=${OUTSIDE}`, { token: stack.operatorToken });
    expect(op.status).toBe(200);
  });
});

describe('security headers', () => {
  const API_HEADERS = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
  const expectHeaders = (headers: Headers, expected: Record<string, string>) => {
    for (const [k, v] of Object.entries(expected)) expect(headers.get(k), k).toBe(v);
  };

  it('sends them on answers, problem documents and the local server’s own errors', async () => {
    const cam = await api.camera();
    const answers = [
      await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch([hardBrake()]) }),
      await api.request('POST', '/v1/telemetry', { token: 'dnd_wrong', body: batch([hardBrake()]) }),
      await api.request('DELETE', `/v1/devices/${cam.deviceId}`, { token: stack.operatorToken }),
      await api.request('GET', '/v2/nothing'),
      await api.request('GET', '/healthz'),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 401, 204, 404, 200]);
    for (const a of answers) expectHeaders(a.headers, API_HEADERS);
  });

  it('keeps authenticated answers out of caches and lets public ones be cached as the route says', async () => {
    const stats = await api.stats();
    expect(stats.headers.get('cache-control')).toBe('no-store');
    const segments = await asInsurer(regional, 'GET', `/v1/insights/segments?bbox=${INSIDE}`);
    expect(segments.headers.get('cache-control')).toBe('no-store');
    const hazards = await api.request('GET', '/v1/hazards?lat=40.44&lng=-79.99&radiusM=500');
    expect(hazards.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
  });

  it('serves the map page under a same-origin CSP that forbids inline script and framing', async () => {
    const page = await fetch(`${stack.url}/map/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // The page really works under that policy: no inline script or style to be blocked.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    for (const path of ['/map/map.js', '/map/roads.json', '/map/live.json', '/map/nothing.js']) {
      const res = await fetch(`${stack.url}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get('content-security-policy'), path).toBe(csp);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});
