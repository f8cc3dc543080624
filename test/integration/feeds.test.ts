import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';
import { validateCifsFeed } from '../validators/validateCifsFeed.ts';
import { validateOpen511Events } from '../validators/validateOpen511Events.ts';

let stack: LocalStackHandle;
let api: ApiClient;

const site = { lat: 40.4443, lng: -79.9436 };
/** A box of about 2 km around the site, and one 30 km away with nothing in it. */
const around = `${site.lng - 0.01},${site.lat - 0.01},${site.lng + 0.01},${site.lat + 0.01}`;
const elsewhere = `${site.lng + 0.3},${site.lat + 0.3},${site.lng + 0.32},${site.lat + 0.32}`;
let hazardId: string;

beforeAll(async () => {
  // The plain rule (ten distinct cameras), as in hazardPipeline.test.ts: this suite tests the feeds, not the rule.
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    hazardRule: 'count',
    hazardMinCameras: 10,
  });
  api = new ApiClient(stack.url, stack.operatorToken);
  // Ten cameras brake hard within the same 100 m and 20 minutes: a hazard the feeds must carry.
  const cameras = [];
  for (let i = 0; i < 10; i++) cameras.push(await api.camera());
  const t0 = Date.now() - 10 * 60_000;
  for (const [i, cam] of cameras.entries()) {
    const p = offset(site.lat, site.lng, (i % 3) * 20 - 20, (i % 4) * 20 - 30);
    const body = batch([hardBrake({ ...p, ts: new Date(t0 + i * 30_000).toISOString() })]);
    expect((await api.request('POST', '/v1/telemetry', { token: cam.token, body })).status).toBe(202);
  }
  const features = await eventually(async () => {
    const res = await api.request('GET', `/v1/hazards?bbox=${around}`);
    return res.body?.features?.length > 0 ? (res.body.features as { id: string }[]) : undefined;
  });
  hazardId = features[0]!.id;
});
afterAll(async () => {
  await stack.stop();
});

describe('GET /v1/feeds/waze-cifs.json', () => {
  it('lists the active hazard as a CIFS incident that passes the CIFS validator', async () => {
    const res = await api.request('GET', `/v1/feeds/waze-cifs.json?bbox=${around}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=15');
    expect(validateCifsFeed(res.body)).toEqual([]);
    expect(res.body.incidents).toHaveLength(1);
    expect(res.body.incidents[0]).toMatchObject({ id: hazardId, type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' });
    expect(res.body.incidents[0].source.url).toBe(stack.url);
  });

  it('is an empty, valid feed for a box without hazards', async () => {
    const res = await api.request('GET', `/v1/feeds/waze-cifs.json?bbox=${elsewhere}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ incidents: [] });
    expect(validateCifsFeed(res.body)).toEqual([]);
  });

  it('answers 400 with a problem document for a malformed bbox', async () => {
    const res = await api.request('GET', '/v1/feeds/waze-cifs.json?bbox=1,2,3');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('GET /v1/feeds/open511/events', () => {
  it('lists the active hazard as an Open511 event that passes the Open511 validator', async () => {
    const res = await api.request('GET', `/v1/feeds/open511/events?bbox=${around}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=15');
    expect(validateOpen511Events(res.body)).toEqual([]);
    expect(res.body.events).toHaveLength(1);
    expect(res.body.events[0]).toMatchObject({
      id: `dashnet.dev/${hazardId}`,
      status: 'ACTIVE',
      event_type: 'INCIDENT',
      geography: { type: 'Point' },
    });
    expect(['OBSERVED', 'LIKELY', 'POSSIBLE']).toContain(res.body.events[0].certainty);
    expect(res.body.meta).toEqual({
      version: 'v1',
      url: `${stack.url}/v1/feeds/open511/events?bbox=${around}`,
    });
    expect(res.body.pagination).toEqual({ offset: 0 });
  });

  it('serves the same document for ?format=json and refuses other formats', async () => {
    const json = await api.request('GET', `/v1/feeds/open511/events?bbox=${around}&format=json`);
    expect(json.status).toBe(200);
    expect(validateOpen511Events(json.body)).toEqual([]);
    expect(json.body.events.map((e: { id: string }) => e.id)).toEqual([`dashnet.dev/${hazardId}`]);
    const xml = await api.request('GET', `/v1/feeds/open511/events?bbox=${around}&format=xml`);
    expect(xml.status).toBe(400);
    expect(xml.body.errors[0].path).toBe('/format');
  });

  it('is an empty, valid events list for a box without hazards', async () => {
    const res = await api.request('GET', `/v1/feeds/open511/events?bbox=${elsewhere}`);
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([]);
    expect(validateOpen511Events(res.body)).toEqual([]);
  });
});
