import { describe, expect, it } from 'vitest';
import { replayLogs } from '../replay.ts';
import { syntheticDrive, toGpsCsv, toImuCsv, townDriveScript } from '../testing/syntheticDrive.ts';
import { buildEdgeBundle, EDGE_BUNDLE_BUDGET_GZIP_KB } from './buildBundle.ts';
import { loadBundleInQuickJs } from './runInQuickJs.ts';

describe('edge bundle on QuickJS', () => {
  const bundle = buildEdgeBundle();

  it('stays within its gzip size budget', async () => {
    expect((await bundle).gzipBytes / 1024).toBeLessThan(EDGE_BUNDLE_BUDGET_GZIP_KB);
  });

  it('uses no WebAssembly, no require and no Node built-ins', async () => {
    const { code } = await bundle;
    expect(code).not.toMatch(/\bWebAssembly\b|\brequire\(|["']node:/);
  });

  it('produces byte-identical payloads on Node and inside QuickJS for the same drive', async () => {
    const drive = syntheticDrive(townDriveScript({ seed: 'identity', imuHz: 50, gpsHz: 5, gyro: true }));
    const gpsCsv = toGpsCsv(drive.gps);
    const imuCsv = toImuCsv(drive.imu);
    const homes = [{ lat: 52.5201, lng: 13.4051 }];
    const onNode = replayLogs({ gpsCsv, imuCsv, homes, seed: 'same' }).join('\n');
    const qjs = await loadBundleInQuickJs((await bundle).code);
    try {
      const inQuickJs = qjs.replay(gpsCsv, imuCsv, { homes, seed: 'same' });
      expect(onNode.split('\n').length).toBeGreaterThan(2);
      expect(inQuickJs).toBe(onNode);
    } finally {
      qjs.dispose();
    }
  });
});
