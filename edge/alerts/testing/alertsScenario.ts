import { ManualClock } from '../../core/clock.ts';
import { silentLogger } from '../../core/logger.ts';
import type { TransportRequest } from '../../core/transport.ts';
import type { HazardWarning } from '../aheadWarner.ts';
import { AlertsEngine } from '../alertsEngine.ts';
import { DEFAULT_HAZARD_CACHE, HazardCache } from '../hazardCache.ts';
import { hazardFixture, hazardsResponse, pointFrom } from './hazardFixtures.ts';

/** What {@link runAlertsScenario} saw: the warnings and the URLs it fetched. */
export interface AlertsScenarioResult {
  warnings: HazardWarning[];
  urls: string[];
}

/**
 * A scripted drive past three hazards (same carriageway ahead, other carriageway, cleared), with
 * the network dropping out half way. Uses nothing but `edge/` code and plain JS, so the same
 * function can run on Node and, bundled, inside QuickJS; the results must be identical.
 */
export async function runAlertsScenario(): Promise<AlertsScenarioResult> {
  const site = { lat: 48.137, lng: 11.575 };
  const clock = new ManualClock(1_714_980_000_000);
  const urls: string[] = [];
  const bothWays = hazardFixture({ id: 'both-ways', kind: 'pothole', ...pointFrom(site, 0, 4500) });
  delete bothWays.headingDeg;
  const hazards = [
    hazardFixture({ id: 'ahead', ...pointFrom(site, 0, 1500), headingDeg: 90 }),
    hazardFixture({ id: 'other-way', ...pointFrom(site, 5, 2500), headingDeg: 270 }),
    hazardFixture({ id: 'cleared', ...pointFrom(site, 0, 3500), headingDeg: 90 }),
    bothWays,
  ];
  const transport = async (req: TransportRequest) => {
    urls.push(req.url);
    if (urls.length > 1) throw new Error('offline');
    return hazardsResponse(hazards, { clearedAt: { cleared: '2024-05-06T07:40:00.000Z' } });
  };
  const engine = new AlertsEngine(
    new HazardCache(transport, clock, silentLogger, { ...DEFAULT_HAZARD_CACHE, apiUrl: 'http://api' }),
  );
  const warnings: HazardWarning[] = [];
  for (let s = 0; s < 400; s++) {
    clock.set(clock.nowMs() + 1000);
    // 20 m/s east with a little heading wobble, as a real receiver reports.
    const fix = {
      tMs: clock.nowMs(),
      ...pointFrom(site, 0, s * 20),
      speedMps: 20,
      headingDeg: 90 + ((s * 7) % 9) - 4,
    };
    warnings.push(...engine.pushGps(fix));
    await engine.tick();
  }
  return { warnings, urls };
}
