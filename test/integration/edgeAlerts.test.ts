import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../edge/adapters/node.ts';
import type { HazardWarning } from '../../edge/alerts/aheadWarner.ts';
import { AlertsEngine } from '../../edge/alerts/alertsEngine.ts';
import { DEFAULT_HAZARD_CACHE, HazardCache } from '../../edge/alerts/hazardCache.ts';
import { pointFrom } from '../../edge/alerts/testing/hazardFixtures.ts';
import { ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
/** Where the raised hazard is, as the API reports it. */
let hazardAt: { lat: number; lng: number; id: string; heading: number | undefined };

const SITE = { lat: 40.4443, lng: -79.9436 };

beforeAll(async () => {
  // The spine's plain rule: ten distinct cameras in 20 minutes.
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    hazardRule: 'count',
    hazardMinCameras: 10,
  });
  api = new ApiClient(stack.url, stack.operatorToken);
  // Ten cameras brake hard, heading east, within the same 100 m.
  const t0 = Date.now() - 10 * 60_000;
  for (let i = 0; i < 10; i++) {
    const cam = await api.camera();
    const p = offset(SITE.lat, SITE.lng, (i % 3) * 20 - 20, (i % 4) * 20 - 30);
    const body = batch([hardBrake({ ...p, heading: 90, ts: new Date(t0 + i * 30_000).toISOString() })]);
    const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
    if (res.status !== 202) throw new Error(`telemetry refused: ${res.status}`);
  }
  hazardAt = await eventually(async () => {
    const res = await api.request('GET', `/v1/hazards?lat=${SITE.lat}&lng=${SITE.lng}&radiusM=500`);
    const f = res.body?.features?.[0] as
      | { geometry: { coordinates: [number, number] }; properties: { id: string; heading?: number } }
      | undefined;
    if (!f) return undefined;
    const [lng, lat] = f.geometry.coordinates;
    return { lat, lng, id: f.properties.id, heading: f.properties.heading };
  });
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * A fresh camera's alerts engine, talking to the stack over real HTTP, driven along the
 * hazard's latitude from `fromEastM` (metres east of the hazard) for 10 s at 15 m/s on
 * `headingDeg` (90 east, 270 west), one fix and one tick a second.
 */
async function drive(fromEastM: number, headingDeg: 90 | 270) {
  const clock = new ManualClock(Date.now());
  const cache = new HazardCache(fetchTransport, clock, silentLogger, {
    ...DEFAULT_HAZARD_CACHE,
    apiUrl: stack.url,
  });
  const engine = new AlertsEngine(cache);
  const warnings: HazardWarning[] = [];
  const stepM = headingDeg === 90 ? 15 : -15;
  for (let s = 0; s <= 10; s++) {
    clock.set(clock.nowMs() + 1000);
    const p = pointFrom(hazardAt, 0, fromEastM + s * stepM);
    warnings.push(...engine.pushGps({ tMs: clock.nowMs(), ...p, speedMps: 15, headingDeg }));
    await engine.tick();
  }
  return { warnings, known: cache.hazards().map((h) => h.id), fetches: cache.stats };
}

describe('driver alerts from the camera against the local stack', () => {
  it('reports the braking hazard with the direction of travel it affects', () => {
    expect(hazardAt.heading).toBe(90);
  });

  it('warns a vehicle 500 m west heading east (towards it on the same carriageway)', async () => {
    const { warnings, known, fetches } = await drive(-500, 90);
    expect(known).toEqual([hazardAt.id]);
    expect(fetches.failures).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ id: hazardAt.id, kind: 'slowdown_or_obstruction' });
    expect(warnings[0]!.distanceM).toBeGreaterThan(400);
    expect(warnings[0]!.distanceM).toBeLessThanOrEqual(500);
    expect(warnings[0]!.etaS).toBeGreaterThan(25);
    expect(warnings[0]!.etaS).toBeLessThanOrEqual(34);
  });

  it('does not warn a vehicle 500 m east heading west (the other carriageway)', async () => {
    const { warnings, known } = await drive(500, 270);
    expect(known).toEqual([hazardAt.id]);
    expect(warnings).toEqual([]);
  });

  it('does not warn a vehicle east of the hazard heading east (it is behind)', async () => {
    const { warnings, known } = await drive(100, 90);
    expect(known).toEqual([hazardAt.id]);
    expect(warnings).toEqual([]);
  });
});
