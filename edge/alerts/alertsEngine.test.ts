import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { TransportResponse } from '../core/transport.ts';
import type { HazardWarning } from './aheadWarner.ts';
import { AlertsEngine } from './alertsEngine.ts';
import { DEFAULT_HAZARD_CACHE, HazardCache } from './hazardCache.ts';
import type { CachedHazard } from './parseHazards.ts';
import { hazardFixture, hazardsResponse, pointFrom } from './testing/hazardFixtures.ts';

const SITE = { lat: 52.52, lng: 13.405 };
const T0 = 1_700_000_000_000;

/** An engine on a manual clock whose network answers `script(n)` for the n-th request. */
function fixture(script: (n: number) => TransportResponse | 'offline') {
  const clock = new ManualClock(T0);
  let n = 0;
  const cache = new HazardCache(
    async () => {
      const r = script(++n);
      if (r === 'offline') throw new Error('ENETUNREACH');
      return r;
    },
    clock,
    silentLogger,
    { ...DEFAULT_HAZARD_CACHE, apiUrl: 'http://api.test' },
  );
  const engine = new AlertsEngine(cache);
  /**
   * Drives east along the site's latitude at `mps`, one fix and one tick a second, from
   * `fromEast` to `toEast` metres; returns the warnings.
   */
  const driveEast = async (fromEast: number, toEast: number, mps = 15, headingDeg = 90) => {
    const out: HazardWarning[] = [];
    const step = headingDeg === 90 ? mps : -mps;
    for (let e = fromEast; step > 0 ? e <= toEast : e >= toEast; e += step) {
      clock.set(clock.nowMs() + 1000);
      out.push(
        ...engine.pushGps({ tMs: clock.nowMs(), ...pointFrom(SITE, 0, e), speedMps: mps, headingDeg }),
      );
      await engine.tick();
    }
    return out;
  };
  return { clock, engine, cache, driveEast };
}

const onSite = (o: Partial<CachedHazard> = {}) => hazardFixture({ ...SITE, ...o });

describe('AlertsEngine', () => {
  it('fetches hazards on the first fix and warns once about one ahead on the same carriageway', async () => {
    const f = fixture(() => hazardsResponse([onSite()]));
    const warnings = await f.driveEast(-1500, 300);
    expect(warnings.map((w) => w.id)).toEqual(['h1']);
    expect(warnings[0]?.etaS).toBeLessThanOrEqual(60);
  });

  it('warns nothing on the other carriageway', async () => {
    const f = fixture(() => hazardsResponse([onSite({ headingDeg: 90 })]));
    expect(await f.driveEast(1500, -300, 15, 270)).toEqual([]);
  });

  it('warns nothing about a cleared hazard', async () => {
    const f = fixture(() => hazardsResponse([onSite()], { clearedAt: { h1: '2024-05-06T07:40:00.000Z' } }));
    expect(await f.driveEast(-1500, 300)).toEqual([]);
  });

  it('warns from the stale cache when the network is gone', async () => {
    const f = fixture((n) => (n === 1 ? hazardsResponse([onSite()]) : 'offline'));
    // First fix far away fetches; then the network goes; ten minutes later the car approaches.
    await f.driveEast(-4000, -3985);
    f.clock.set(f.clock.nowMs() + 10 * 60_000);
    const warnings = await f.driveEast(-1500, 300);
    expect(warnings.map((w) => w.id)).toEqual(['h1']);
    expect(f.cache.stats.failures).toBeGreaterThan(0);
  });

  it('holds the last good heading when stopped, and warns nothing before it has one', async () => {
    const f = fixture(() => hazardsResponse([onSite()]));
    // Parked 100 m west of the hazard: GPS heading at 0 m/s is noise, so no warning.
    const parked = { tMs: T0 + 1000, ...pointFrom(SITE, 0, -100), speedMps: 0, headingDeg: 90 };
    expect(f.engine.pushGps(parked)).toEqual([]);
    await f.engine.tick();
    expect(f.engine.pushGps({ ...parked, tMs: T0 + 2000 })).toEqual([]);
    // Moving off east gives a heading; the hazard is 85 m ahead.
    const moving = { tMs: T0 + 3000, ...pointFrom(SITE, 0, -85), speedMps: 3, headingDeg: 90 };
    expect(f.engine.pushGps(moving).map((w) => w.id)).toEqual(['h1']);
  });
});
