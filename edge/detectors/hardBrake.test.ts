import { describe, expect, it } from 'vitest';
import { DEFAULT_MOUNT_CALIBRATION } from '../sensors/mountCalibration.ts';
import { runDrive } from '../testing/runDrive.ts';
import { type DrivePhase, syntheticDrive, townDriveScript } from '../testing/syntheticDrive.ts';

/** 60 mph cruise on a highway, then a 0.35 g stop to rest, as a phone in a landscape cradle sees it. */
const HIGHWAY_STOP: DrivePhase[] = [
  { kind: 'stop', durationS: 15 },
  { kind: 'speed', toMps: 26.8, accelMps2: 1.2 },
  { kind: 'cruise', durationS: 120 },
  { kind: 'speed', toMps: 0, accelMps2: 3.43 },
  { kind: 'stop', durationS: 30 },
];

function highwayStop(imuHz: number) {
  return syntheticDrive(
    townDriveScript({
      seed: `stop-${imuHz}`,
      phases: HIGHWAY_STOP,
      imuHz,
      gpsHz: 1,
      gyro: true,
      // Landscape in a dash cradle: screen facing the driver, long side horizontal.
      mount: { yawDeg: 90, pitchDeg: 0, rollDeg: 95 },
    }),
  );
}

function brakes(run: ReturnType<typeof runDrive>) {
  return run.detected.filter((e) => e.type === 'hard_brake');
}

describe('a 0.35 g stop from 60 mph', () => {
  it('is reported once by the calibrated camera', () => {
    const d = highwayStop(100);
    const found = brakes(runDrive(d.gps, d.imu));
    expect(found).toHaveLength(1);
    expect(
      Math.abs((found[0]?.tMs ?? 0) - (d.truth.find((t) => t.type === 'hard_brake')?.tMs ?? 0)),
    ).toBeLessThan(3000);
  });

  it('is reported once before the mount calibration converges', () => {
    const d = highwayStop(25);
    const never = { calibration: { ...DEFAULT_MOUNT_CALIBRATION, convergedSigmaDeg: 0 } };
    expect(brakes(runDrive(d.gps, d.imu, never))).toHaveLength(1);
  });

  it('is reported once from 1 Hz GPS alone', () => {
    const d = highwayStop(10);
    expect(brakes(runDrive(d.gps, []))).toHaveLength(1);
  });
});
