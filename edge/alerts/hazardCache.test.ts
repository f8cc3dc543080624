import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { MemoryStorage } from '../core/storage.ts';
import type { TransportRequest, TransportResponse } from '../core/transport.ts';
import { DEFAULT_HAZARD_CACHE, type GetRequest, HazardCache } from './hazardCache.ts';
import { hazardFixture, hazardsResponse, pointFrom } from './testing/hazardFixtures.ts';

const HERE = { lat: 52.5231, lng: 13.4077 };

/** A cache whose transport answers from `script` (or throws for 'offline'), on a manual clock. */
function fixture(script: (n: number) => TransportResponse | 'offline', storage?: MemoryStorage) {
  const clock = new ManualClock(1_700_000_000_000);
  const requests: TransportRequest[] = [];
  const transport = async (req: TransportRequest) => {
    requests.push(req);
    const r = script(requests.length);
    if (r === 'offline') throw new Error('ECONNREFUSED');
    return r;
  };
  const cache = new HazardCache(
    transport,
    clock,
    silentLogger,
    { ...DEFAULT_HAZARD_CACHE, apiUrl: 'http://api.test' },
    storage,
  );
  /** Refreshes if due at `p`, as the engine's tick does. */
  const tick = async (p = HERE) => (cache.due(p.lat, p.lng) ? cache.refresh(p.lat, p.lng) : 'idle');
  return { clock, cache, requests, tick };
}

describe('HazardCache', () => {
  it('GETs hazards around a position snapped to a ~1 km grid, anonymously', async () => {
    const f = fixture(() => hazardsResponse([hazardFixture()]));
    expect(await f.tick()).toBe('updated');
    const req = f.requests[0] as GetRequest;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('http://api.test/v1/hazards?lat=52.52&lng=13.41&radiusM=5000');
    expect(req.headers.authorization).toBeUndefined();
    expect(f.cache.hazards().map((h) => h.id)).toEqual(['h1']);
  });

  it('drops hazards that carry clearedAt', async () => {
    const f = fixture(() =>
      hazardsResponse([hazardFixture({ id: 'open' }), hazardFixture({ id: 'gone' })], {
        clearedAt: { gone: '2024-05-06T07:40:00.000Z' },
      }),
    );
    await f.tick();
    expect(f.cache.hazards().map((h) => h.id)).toEqual(['open']);
  });

  it('refreshes after moving a third of the radius, not before', async () => {
    const f = fixture(() => hazardsResponse([]));
    await f.tick();
    // The query centre is the snapped point; measure moves from it.
    const centre = { lat: 52.52, lng: 13.41 };
    expect(await f.tick(pointFrom(centre, 0, 1600))).toBe('idle');
    expect(await f.tick(pointFrom(centre, 0, 1700))).toBe('updated');
    expect(f.requests).toHaveLength(2);
  });

  it('respects Cache-Control max-age before refreshing in place', async () => {
    const f = fixture(() => hazardsResponse([], { cacheControl: 'public, max-age=15' }));
    await f.tick();
    f.clock.set(f.clock.nowMs() + 14_999);
    expect(await f.tick()).toBe('idle');
    f.clock.set(f.clock.nowMs() + 1);
    expect(await f.tick()).toBe('updated');
  });

  it('does not poll faster than its floor when the server says max-age=0', async () => {
    const f = fixture(() => hazardsResponse([], { cacheControl: 'no-cache, max-age=0' }));
    await f.tick();
    f.clock.set(f.clock.nowMs() + 9_000);
    expect(await f.tick()).toBe('idle');
    f.clock.set(f.clock.nowMs() + 1_000);
    expect(await f.tick()).toBe('updated');
  });

  it('keeps the last good data while offline and backs off between attempts', async () => {
    const f = fixture((n) => (n === 1 ? hazardsResponse([hazardFixture()]) : 'offline'));
    await f.tick();
    f.clock.set(f.clock.nowMs() + 20_000);
    expect(await f.tick()).toBe('failed');
    expect(f.cache.hazards().map((h) => h.id)).toEqual(['h1']);
    // Backing off: 15 s after the first failure, then 30 s.
    f.clock.set(f.clock.nowMs() + 14_000);
    expect(await f.tick()).toBe('idle');
    f.clock.set(f.clock.nowMs() + 1_000);
    expect(await f.tick()).toBe('failed');
    f.clock.set(f.clock.nowMs() + 29_000);
    expect(await f.tick()).toBe('idle');
    expect(f.cache.hazards()).toHaveLength(1);
  });

  it('keeps the last good data when the server answers an error or garbage', async () => {
    const f = fixture((n) =>
      n === 1
        ? hazardsResponse([hazardFixture()])
        : n === 2
          ? { status: 503, headers: {}, body: '' }
          : { status: 200, headers: {}, body: '<html>' },
    );
    await f.tick();
    f.clock.set(f.clock.nowMs() + 20_000);
    expect(await f.tick()).toBe('failed');
    f.clock.set(f.clock.nowMs() + 20_000);
    expect(await f.tick()).toBe('failed');
    expect(f.cache.hazards().map((h) => h.id)).toEqual(['h1']);
  });

  it('stops using data older than an hour', async () => {
    const f = fixture((n) => (n === 1 ? hazardsResponse([hazardFixture()]) : 'offline'));
    await f.tick();
    f.clock.set(f.clock.nowMs() + 3_600_000);
    expect(f.cache.hazards()).toHaveLength(1);
    f.clock.set(f.clock.nowMs() + 1);
    expect(f.cache.hazards()).toEqual([]);
  });

  it('serves the last good data after a restart with no network', async () => {
    const storage = new MemoryStorage();
    const first = fixture(() => hazardsResponse([hazardFixture()]), storage);
    await first.tick();
    const restarted = fixture(() => 'offline', storage);
    expect(restarted.cache.hazards().map((h) => h.id)).toEqual(['h1']);
  });
});
