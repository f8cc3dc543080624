import { describe, expect, it } from 'vitest';
import { DEFAULT_NIGHT_FLEET, simulateNightFleet } from '../../sim/night/nightFleet.ts';
import { nightSensorModel } from '../../sim/night/nightSensorModels.ts';
import type { IspProfileCandidate } from './calibration.ts';
import type { CellNightDay } from './lightingClass.ts';
import type { NightDayAggregate } from './nightAggregate.ts';
import { type NightObservation, nightObservationsOf } from './nightObservations.ts';
import {
  addDays,
  calibrateNightGroups,
  type NightGroup,
  type NightRepository,
  rollupNightDay,
  runNightCalibration,
} from './nightRollup.ts';

/** The repository in memory, keyed like the DynamoDB store: a second write of a key overwrites. */
class MemoryNightRepository implements NightRepository {
  readonly raw = new Map<string, NightObservation>();
  readonly cellDays = new Map<string, CellNightDay>();
  readonly aggregates = new Map<string, NightDayAggregate>();
  readonly candidates = new Map<string, IspProfileCandidate>();

  put(observations: readonly NightObservation[]): void {
    for (const o of observations) this.raw.set(o.eventId, o);
  }
  async observationsOf(day: string) {
    return [...this.raw.values()].filter((o) => o.day === day);
  }
  async putCellDays(days: readonly CellNightDay[]) {
    for (const d of days) this.cellDays.set(`${d.cell}#${d.day}`, d);
  }
  async cellHistory(cells: readonly string[], fromDay: string, toDay: string) {
    const wanted = new Set(cells);
    return [...this.cellDays.values()].filter(
      (d) => wanted.has(d.cell) && d.day >= fromDay && d.day <= toDay,
    );
  }
  async putDayAggregates(aggregates: readonly NightDayAggregate[]) {
    for (const a of aggregates) this.aggregates.set(`${a.cameraModel}#${a.firmware}#${a.day}`, a);
  }
  async putCandidate(c: IspProfileCandidate) {
    this.candidates.set(`${c.profile.cameraModel}#${c.profile.firmware}#${c.version}`, c);
  }
  async groups() {
    const seen = new Map<string, NightGroup>();
    for (const a of this.aggregates.values())
      seen.set(`${a.cameraModel}#${a.firmware}`, { cameraModel: a.cameraModel, firmware: a.firmware });
    return [...seen.values()];
  }
  async dayAggregates(g: NightGroup, fromDay: string, toDay: string) {
    return [...this.aggregates.values()].filter(
      (a) =>
        a.cameraModel === g.cameraModel && a.firmware === g.firmware && a.day >= fromDay && a.day <= toDay,
    );
  }
}

function fleetRepository(cameras: number) {
  const fleet = simulateNightFleet({
    ...DEFAULT_NIGHT_FLEET,
    cameraModel: 'mainstream-25hz',
    cameras,
    seed: 21,
  });
  const repo = new MemoryNightRepository();
  const observations = fleet.records.flatMap(nightObservationsOf);
  repo.put(observations);
  const days = [...new Set(observations.map((o) => o.day))].sort();
  return { repo, days, observations, fleet };
}

describe('night rollup and calibration through the repository', () => {
  it('rolls up each night and calibrates a profile for the group from the stored aggregates', async () => {
    const { repo, days } = fleetRepository(60);
    for (const day of days) await rollupNightDay(repo, day);
    const results = await calibrateNightGroups(repo, days[days.length - 1] as string);
    expect(results).toHaveLength(1);
    const r = results[0]?.result;
    expect(r?.kind).toBe('profile');
    if (r?.kind !== 'profile') return;
    const truth = nightSensorModel('mainstream-25hz');
    expect(Math.abs(r.fit.blackLevelDn - truth.blackLevelDn)).toBeLessThan(1.5);
    expect(r.cameras).toBe(60);
    expect(r.days).toEqual(days);
  });

  it('gives the same items when a day is rolled up again and when records are replayed', async () => {
    const { repo, days, observations } = fleetRepository(25);
    for (const day of days) await rollupNightDay(repo, day);
    const before = JSON.stringify([...repo.aggregates.entries()].sort());
    // A replayed stream delivers the same events (same ids) again.
    repo.put(observations.slice(0, 200));
    for (const day of days) await rollupNightDay(repo, day);
    expect(JSON.stringify([...repo.aggregates.entries()].sort())).toBe(before);
  });

  it('withholds a group below the guard even with many days of data', async () => {
    const { repo, days } = fleetRepository(12);
    for (const day of days) await rollupNightDay(repo, day);
    const [only] = await calibrateNightGroups(repo, days[days.length - 1] as string);
    expect(only?.result).toMatchObject({ kind: 'withheld', reason: 'TOO_FEW_CAMERAS', cameras: 12 });
  });

  it('the scheduled run rolls up the closed nights and stores a candidate only for a group past the guard', async () => {
    const big = fleetRepository(30);
    const small = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: 'phone-50hz',
      cameras: 8,
      seed: 22,
    });
    big.repo.put(small.records.flatMap(nightObservationsOf));
    // The fleet drove the nights of 2026-01-05..07 (UTC); run on the 8th at 01:00 and on the 9th.
    const first = await runNightCalibration(big.repo, Date.parse('2026-01-08T01:00:00Z'));
    expect(first.rolledUp.map((r) => r.day)).toEqual(['2026-01-06', '2026-01-07']);
    const second = await runNightCalibration(big.repo, Date.parse('2026-01-09T01:00:00Z'));
    expect(second.rolledUp.map((r) => r.day)).toEqual(['2026-01-07', '2026-01-08']);
    expect(second.candidates).toEqual([
      {
        cameraModel: 'mainstream-25hz',
        firmware: '3.4.2',
        version: `1.${Date.parse('2026-01-08') / 86_400_000}.0`,
        cameras: 30,
      },
    ]);
    expect(second.withheld).toMatchObject([
      { cameraModel: 'phone-50hz', reason: 'TOO_FEW_CAMERAS', cameras: 8 },
    ]);
    const [candidate] = [...big.repo.candidates.values()];
    expect(candidate?.provenance).toMatchObject({ cameras: 30, cameraModel: 'mainstream-25hz' });
  });

  it('counts days inclusively', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-01-05', 27)).toBe('2026-02-01');
  });
});
