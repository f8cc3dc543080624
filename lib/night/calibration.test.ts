import { describe, expect, it } from 'vitest';
import { DEFAULT_NIGHT_FLEET, simulateNightFleet } from '../../sim/night/nightFleet.ts';
import { nightSensorModel } from '../../sim/night/nightSensorModels.ts';
import { ArtefactError, publicKeyOf, verifyArtefact } from '../contract/artefact.ts';
import {
  type CalibrationResult,
  calibrateNight,
  DEFAULT_CALIBRATION,
  ispProfileArtefact,
} from './calibration.ts';
import { decodeIspProfile, IspProfileError } from './ispProfileFormat.ts';
import { cellNightDays, classifyCells } from './lightingClass.ts';
import { foldNightDay } from './nightAggregate.ts';
import { nightObservationsOf } from './nightObservations.ts';

function calibrateFleet(cameraModel: string, cameras: number, seed = 11, nights = 3): CalibrationResult {
  const fleet = simulateNightFleet({ ...DEFAULT_NIGHT_FLEET, cameraModel, cameras, nights, seed });
  const obs = fleet.records.flatMap(nightObservationsOf);
  const classes = classifyCells(cellNightDays(obs));
  return calibrateNight(foldNightDay(obs, (c) => classes.get(c) ?? 'unknown'));
}

function profileOf(r: CalibrationResult) {
  if (r.kind !== 'profile') throw new Error(`no profile: ${r.reason}`);
  return r;
}

describe('calibrateNight', () => {
  it('withholds the profile from 19 cameras and makes one from 20 (the guard)', () => {
    const r19 = calibrateFleet('budget-10hz', 19);
    expect(r19).toMatchObject({ kind: 'withheld', reason: 'TOO_FEW_CAMERAS', cameras: 19 });
    expect(DEFAULT_CALIBRATION.minCameras).toBe(20);
    expect(calibrateFleet('budget-10hz', 20).kind).toBe('profile');
  });

  it('does not count one camera over many days as many cameras', () => {
    // 10 cameras for 6 nights: 60 camera-days, but never more than 10 distinct on any day.
    const r = calibrateFleet('budget-10hz', 10, 5, 6);
    expect(r).toMatchObject({ kind: 'withheld', reason: 'TOO_FEW_CAMERAS', cameras: 10, cameraDays: 60 });
  });

  it('recovers every model’s true sensor and AE parameters from 200 cameras within tolerance', () => {
    // Tolerance: pedestal ±1 DN; read noise and shot gain ±10 %; AE target ±2 DN; limits ±5 %.
    for (const name of ['budget-10hz', 'mainstream-25hz', 'premium-100hz', 'phone-50hz']) {
      const truth = nightSensorModel(name);
      const { fit, profile } = profileOf(calibrateFleet(name, 200));
      expect(Math.abs(fit.blackLevelDn - truth.blackLevelDn), name).toBeLessThan(1);
      expect(Math.abs(fit.readNoiseDn / truth.readNoiseDn - 1), name).toBeLessThan(0.1);
      expect(Math.abs(fit.shotGain / truth.shotGain - 1), name).toBeLessThan(0.1);
      expect(Math.abs(fit.targetLuma - truth.targetLuma), name).toBeLessThan(2);
      expect(Math.abs(fit.maxExposureMs / truth.maxExposureMs - 1), name).toBeLessThan(0.05);
      expect(Math.abs(fit.maxGain / truth.maxGain - 1), name).toBeLessThan(0.05);
      expect(profile.cameraModel).toBe(name);
      expect(profile.firmware).toBe(truth.firmware);
    }
  });

  it('gets closer to the truth with more cameras', () => {
    const truth = nightSensorModel('budget-10hz');
    const err = (n: number) => {
      // Mean over seeds: one seed's luck must not decide the trend.
      let sum = 0;
      for (const seed of [1, 2, 3, 4]) {
        const { fit } = profileOf(calibrateFleet('budget-10hz', n, seed));
        sum +=
          Math.abs(fit.blackLevelDn - truth.blackLevelDn) + Math.abs(fit.shotGain / truth.shotGain - 1) * 10;
      }
      return sum / 4;
    };
    expect(err(400)).toBeLessThan(err(20));
  });

  it('ships nothing from a degenerate fit, and refuses to mix camera models', () => {
    const fleet = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: 'budget-10hz',
      cameras: 30,
      seed: 9,
    });
    const obs = fleet.records.flatMap(nightObservationsOf);
    // Every report at one gain and one luma: the noise fit has nothing to find a slope in.
    const flat = obs.map((o) => ({ ...o, gain: 4, meanLuma: 50, noiseSigma: 5 }));
    expect(calibrateNight(foldNightDay(flat, () => 'dark'))).toMatchObject({ kind: 'withheld' });
    const other = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: 'phone-50hz',
      cameras: 30,
      seed: 9,
    });
    const mixed = [...obs, ...other.records.flatMap(nightObservationsOf)];
    expect(() => calibrateNight(foldNightDay(mixed, () => 'dark'))).toThrow(IspProfileError);
  });

  it('signs a profile that a camera verifies, and a tampered one it refuses', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => 3 * i + 1);
    const result = profileOf(calibrateFleet('premium-100hz', 40));
    const a = ispProfileArtefact(result, {
      version: '1.0.0',
      createdAt: '2026-12-01T00:00:00Z',
      secretSeed: seed,
    });
    const m = verifyArtefact(a.manifest, a.signature, [publicKeyOf(seed)], a.bytes);
    expect(m.kind).toBe('isp_profile');
    expect(m.provenance).toMatchObject({ cameras: 40, cameraDays: 120, cameraModel: 'premium-100hz' });
    expect(decodeIspProfile(a.bytes)).toEqual(result.profile);
    const tampered = a.bytes.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 1;
    expect(() => verifyArtefact(a.manifest, a.signature, [publicKeyOf(seed)], tampered)).toThrow(
      ArtefactError,
    );
  });
});

describe('lighting class from the cells’ history', () => {
  it('classes the cells seen by enough cameras as the truth has them', () => {
    const fleet = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: 'mainstream-25hz',
      cameras: 100,
      seed: 4,
    });
    const classes = classifyCells(cellNightDays(fleet.records.flatMap(nightObservationsOf)));
    let known = 0;
    let right = 0;
    for (const [cell, k] of classes) {
      if (k === 'unknown') continue;
      known++;
      if (k === fleet.cellLighting.get(cell)) right++;
    }
    expect(known).toBeGreaterThan(100);
    expect(right / known).toBeGreaterThan(0.97);
  });

  it('leaves a cell unknown while fewer than 3 camera-days have seen it', () => {
    const classes = classifyCells([{ cell: 'c', day: '2026-01-05', cameras: 2, logLuminance: 1 }]);
    expect(classes.get('c')).toBe('unknown');
  });
});

describe('foldNightDay', () => {
  it('gives the same aggregate for the same reports in any order', () => {
    const fleet = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: 'phone-50hz',
      cameras: 30,
      seed: 8,
    });
    const obs = fleet.records.flatMap(nightObservationsOf);
    const classOf = () => 'lit' as const;
    expect(foldNightDay([...obs].reverse(), classOf)).toEqual(foldNightDay(obs, classOf));
  });
});
