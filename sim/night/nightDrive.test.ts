import { describe, expect, it } from 'vitest';
import { calibrateNight } from '../../lib/night/calibration.ts';
import { cellNightDays, classifyCells } from '../../lib/night/lightingClass.ts';
import { foldNightDay } from '../../lib/night/nightAggregate.ts';
import { nightObservationsOf } from '../../lib/night/nightObservations.ts';
import { nightCellOf, simulateNightFleetThroughReporter } from './nightDrive.ts';
import { nightSensorModel } from './nightSensorModels.ts';

describe('simulated night drives through the camera’s NightSceneReporter', () => {
  it('calibrates the true sensor from 40 cameras whose frames went through the real reporter', () => {
    const model = nightSensorModel('mainstream-25hz');
    const records = simulateNightFleetThroughReporter({
      cameraModel: model.cameraModel,
      cameras: 40,
      nights: 2,
      seed: 31,
    });
    const obs = records.flatMap(nightObservationsOf);
    // 30 minutes at one report per 10 minutes: two or three per drive.
    expect(obs.length).toBeGreaterThanOrEqual(40 * 2 * 2);
    expect(obs.length).toBeLessThanOrEqual(40 * 2 * 3);
    const classes = classifyCells(cellNightDays(obs));
    const known = [...classes].filter(([, k]) => k !== 'unknown');
    expect(new Set(known.map(([, k]) => k))).toEqual(new Set(['lit', 'dark']));
    for (const [cell, k] of known) expect(k).toBe(nightCellOf(cell, 1).lighting);
    const r = calibrateNight(foldNightDay(obs, (c) => classes.get(c) ?? 'unknown'));
    expect(r).toMatchObject({ kind: 'profile' });
    if (r.kind !== 'profile') return;
    // Looser than the report-level check: 200 reports, not thousands.
    expect(Math.abs(r.fit.blackLevelDn - model.blackLevelDn)).toBeLessThan(2);
    expect(Math.abs(r.fit.shotGain / model.shotGain - 1)).toBeLessThan(0.15);
    expect(Math.abs(r.fit.readNoiseDn / model.readNoiseDn - 1)).toBeLessThan(0.2);
  });
});
