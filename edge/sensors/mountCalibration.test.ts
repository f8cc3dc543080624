import { describe, expect, it } from 'vitest';
import { runDrive } from '../testing/runDrive.ts';
import { syntheticDrive, townDriveScript } from '../testing/syntheticDrive.ts';
import { dot } from './vec3.ts';

describe('MountCalibration', () => {
  it('finds the forward axis of an arbitrarily rotated 5 Hz sensor within 10°', () => {
    for (const mount of [
      { yawDeg: 127, pitchDeg: -68, rollDeg: 23 },
      { yawDeg: -150, pitchDeg: 30, rollDeg: 120 },
    ]) {
      const d = syntheticDrive(townDriveScript({ seed: 'cal', mount }));
      const f = runDrive(d.gps, d.imu).pipeline.calibration.forwardAxis;
      expect(f).toBeDefined();
      expect(dot(f ?? [0, 0, 0], d.forwardInSensor)).toBeGreaterThan(Math.cos((10 * Math.PI) / 180));
    }
  });

  it('does not claim a forward axis while the vehicle has only stood still', () => {
    const d = syntheticDrive(townDriveScript({ seed: 'still', phases: [{ kind: 'stop', durationS: 60 }] }));
    const run = runDrive(d.gps, d.imu);
    expect(run.pipeline.calibration.gravityReady).toBe(true);
    expect(run.pipeline.calibration.forwardReady).toBe(false);
  });
});
