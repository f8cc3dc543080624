import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../edge/core/random.ts';
import type { GpsFix } from '../../edge/sensors/samples.ts';
import { gaussian } from '../../lib/random/prng.ts';
import { cmuFiles, cmuRoot, loadCmuDrive } from './cmuDrives.ts';
import { runDetectors } from './detectorRun.ts';
import { juniorRoot } from './junior2017.ts';
import {
  evaluateCalibration,
  evaluateGpsBrakes,
  evaluateManoeuvres,
  precisionOf,
  recallOf,
} from './manoeuvreEvaluation.ts';
import { mountImu, type Rotation, randomMounts } from './mounting.ts';
import { realDataMissing } from './realDataRoot.ts';

const junior = juniorRoot();
const cmu = cmuRoot();

describe.skipIf(!junior)('hard brakes and corners on real labelled manoeuvres, random mountings', () => {
  if (!junior) console.warn(realDataMissing('driving-events-junior2017'));
  const root = junior as string;

  it('finds the labelled hard brakes at ~50 Hz, with far fewer false reports than a plain threshold', () => {
    const e = evaluateManoeuvres(root, { mounts: 3, seed: 'test' });
    expect(recallOf(e.hardBrake.detector)).toBeGreaterThanOrEqual(0.8);
    expect(precisionOf(e.hardBrake.detector)).toBeGreaterThanOrEqual(0.8);
    expect(recallOf(e.hardBrake.detector)).toBeGreaterThanOrEqual(recallOf(e.hardBrake.baseline));
    expect(precisionOf(e.hardBrake.detector)).toBeGreaterThan(precisionOf(e.hardBrake.baseline) + 0.3);
  });

  it('finds the labelled sharp turns on the right side and leaves lane changes and ordinary turns alone', () => {
    const e = evaluateManoeuvres(root, { mounts: 3, seed: 'test' });
    expect(recallOf(e.hardCorner.detector)).toBeGreaterThanOrEqual(0.9);
    expect(precisionOf(e.hardCorner.detector)).toBeGreaterThanOrEqual(0.85);
    expect(precisionOf(e.hardCorner.detector)).toBeGreaterThan(precisionOf(e.hardCorner.baseline) + 0.3);
  });

  it('still works when the sensor is read as 5 Hz snapshots', () => {
    const e = evaluateManoeuvres(root, { mounts: 3, periodMs: 200, seed: 'test' });
    expect(recallOf(e.hardBrake.detector)).toBeGreaterThanOrEqual(0.7);
    expect(precisionOf(e.hardBrake.detector)).toBeGreaterThanOrEqual(0.75);
    expect(recallOf(e.hardCorner.detector)).toBeGreaterThanOrEqual(0.85);
    expect(precisionOf(e.hardCorner.detector)).toBeGreaterThanOrEqual(0.85);
  });
});

describe.skipIf(!cmu)('mount calibration on real phone drives', () => {
  if (!cmu) console.warn(realDataMissing('cmu-phone-drives'));
  const root = cmu as string;

  it('converges within 2 minutes on every ≥ 5 Hz drive, in random mountings', () => {
    const runs = evaluateCalibration(root, 2);
    expect(runs.length).toBeGreaterThan(20);
    for (const r of runs) {
      expect(r.convergedS, r.file).toBeDefined();
      expect(r.convergedS ?? Number.POSITIVE_INFINITY, r.file).toBeLessThanOrEqual(Math.min(120, r.driveS));
      expect(r.yawSigmaDeg, r.file).toBeLessThan(10);
    }
  });

  it('catches every real ≥ 0.3 g stop from 1 Hz GPS speed alone, where 1 s differencing missed most', () => {
    const e = evaluateGpsBrakes(root);
    expect(e.stops).toBeGreaterThanOrEqual(5);
    expect(recallOf(e.fallback)).toBeGreaterThanOrEqual(0.85);
    expect(recallOf(e.fallback)).toBeGreaterThan(recallOf(e.baseline));
    expect(precisionOf(e.fallback)).toBeGreaterThanOrEqual(0.6);
  });

  it('converges with a noisier receiver: 5 m drifting position error, 0.3 m/s speed noise, or no speed at all', () => {
    const random = createSeededRandom('receiver');
    const gauss = () => gaussian(random);
    for (const f of cmuFiles(root).filter((x) => /^Routes|^0[34]_/.test(x.file))) {
      const drive = loadCmuDrive(root, f.file);
      // Receiver error drifts (AR(1), 20 s), it does not jump from fix to fix.
      const keep = Math.exp(-1 / 20);
      const step = 5 * Math.sqrt(1 - keep * keep);
      let east = 0;
      let north = 0;
      const noisy = drive.gps.map((g) => {
        east = keep * east + step * gauss();
        north = keep * north + step * gauss();
        const fix: GpsFix = { tMs: g.tMs, lat: g.lat + north / 111_320, lng: g.lng + east / 85_000 };
        if (g.speedMps !== undefined) fix.speedMps = Math.max(0, g.speedMps + 0.3 * gauss());
        return fix;
      });
      const noSpeed = drive.gps.map(({ tMs, lat, lng }) => ({ tMs, lat, lng }));
      for (const gps of [noisy, noSpeed]) {
        const run = runDetectors(gps, drive.imu);
        expect(
          (run.calibration.convergedAtMs ?? Number.POSITIVE_INFINITY) - run.startMs,
          f.file,
        ).toBeLessThan(120_000);
      }
    }
  });

  it('converges without a gyro too (speed changes and GPS heading alone)', () => {
    const runs = evaluateCalibration(root, 1, false);
    const late = runs.filter((r) => (r.convergedS ?? Number.POSITIVE_INFINITY) > 120);
    expect(late).toEqual([]);
  });
});

describe.skipIf(!cmu)('a mount moved mid-drive', () => {
  const root = cmu as string;

  it('is noticed, and calibration converges again on the new mounting', () => {
    const drive = loadCmuDrive(root, 'Routes/r5_sensors.csv.gz');
    const [first, second] = randomMounts(2, 'reseat') as [Rotation, Rotation];
    const half = drive.imu[Math.floor(drive.imu.length / 2)]?.tMs ?? 0;
    const imu = [
      ...mountImu(
        drive.imu.filter((s) => s.tMs < half),
        first,
      ),
      ...mountImu(
        drive.imu.filter((s) => s.tMs >= half),
        second,
      ),
    ];
    const run = runDetectors(drive.gps, imu);
    expect(run.calibration.reseats).toBe(1);
    expect(run.calibration.forwardReady).toBe(true);
    expect((run.calibration.convergedAtMs ?? 0) - half).toBeLessThan(120_000);
  });

  it('is not confused with hard brakes and corners, nor a real drive with a mirrored sensor', () => {
    for (const f of cmuFiles(root).filter((x) => x.rateHz >= 4)) {
      const drive = loadCmuDrive(root, f.file);
      const state = runDetectors(drive.gps, drive.imu).calibration;
      expect(state.reseats, f.file).toBe(0);
      expect(state.mirrored, f.file).toBe(false);
    }
  });

  it('recognises a log in the opposite accelerometer convention and keeps corners on their side', () => {
    const drive = loadCmuDrive(root, '04_02_trip1_sensors.csv.gz');
    const flipped = drive.imu.map((s) => ({ ...s, ax: -s.ax, ay: -s.ay, az: -s.az }));
    const side = (imu: typeof drive.imu) =>
      runDetectors(drive.gps, imu)
        .detections.filter((d) => d.type === 'hard_corner')
        .map(
          (d) =>
            `${Math.round(d.tMs / 10_000)}:${d.type === 'hard_corner' && d.lateralAccelMps2 > 0 ? 'L' : 'R'}`,
        );
    const normal = side(drive.imu);
    expect(normal.length).toBeGreaterThan(3);
    // Corners decided after the convention is recognised (about half a minute in) match.
    expect(side(flipped).filter((c) => normal.includes(c)).length).toBeGreaterThanOrEqual(normal.length - 1);
  });
});
