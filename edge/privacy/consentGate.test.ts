import { describe, expect, it } from 'vitest';
import { runDrive } from '../testing/runDrive.ts';
import { syntheticDrive, townDriveScript } from '../testing/syntheticDrive.ts';

describe('consent gate', () => {
  const drive = syntheticDrive(townDriveScript({ seed: 'consent' }));

  it('queues nothing for upload with network sharing off', () => {
    const run = runDrive(drive.gps, drive.imu, { networkSharing: false });
    expect(run.pipeline.queue.length).toBe(0);
    expect(run.pipeline.consent.droppedCount).toBeGreaterThan(0);
  });

  it('records locally exactly what it records with sharing on', () => {
    const off = runDrive(drive.gps, drive.imu, { networkSharing: false });
    const on = runDrive(drive.gps, drive.imu, { networkSharing: true });
    expect(off.detected.length).toBeGreaterThan(0);
    expect(off.detected).toEqual(on.detected);
  });
});
