import { buildEdgeBundle, EDGE_BUNDLE_BUDGET_GZIP_KB } from '../edge/bundle/buildBundle.ts';
import { loadBundleInQuickJs } from '../edge/bundle/runInQuickJs.ts';
import { replaySamples } from '../edge/replay.ts';
import { syntheticDrive, toGpsCsv, toImuCsv, townDriveScript } from '../edge/testing/syntheticDrive.ts';
import type { BenchResult } from './types.ts';

/**
 * Edge pipeline figures: throughput as a multiple of real time for 100 Hz IMU (with gyro) +
 * 10 Hz GPS on Node and inside QuickJS (the camera bundle in quickjs-emscripten), and the
 * bundle's gzipped size.
 */
export async function runEdgeBench(): Promise<BenchResult[]> {
  const drive = syntheticDrive(townDriveScript({ seed: 'bench', imuHz: 100, gpsHz: 10, gyro: true }));
  const first = drive.gps[0]?.tMs ?? 0;
  const last = Math.max(drive.gps.at(-1)?.tMs ?? 0, drive.imu.at(-1)?.tMs ?? 0);
  const driveMs = last - first;
  const note = `${(driveMs / 60_000).toFixed(1)} min synthetic town drive, ${drive.imu.length} IMU + ${drive.gps.length} GPS samples`;

  // Node: best of 3 after a warm-up run (JIT).
  replaySamples(drive.gps, drive.imu, [], 'bench');
  let nodeMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    replaySamples(drive.gps, drive.imu, [], 'bench');
    nodeMs = Math.min(nodeMs, performance.now() - t0);
  }

  const bundle = await buildEdgeBundle();
  const qjs = await loadBundleInQuickJs(bundle.code);
  let quickMs: number;
  try {
    quickMs = qjs.timedReplay(toGpsCsv(drive.gps), toImuCsv(drive.imu)).runMs;
  } finally {
    qjs.dispose();
  }

  return [
    {
      name: 'edge.node_realtime_x',
      value: Math.round(driveMs / nodeMs),
      unit: 'x realtime',
      better: 'higher',
      target: 1000,
      note,
    },
    {
      name: 'edge.quickjs_realtime_x',
      value: Math.round(driveMs / quickMs),
      unit: 'x realtime',
      better: 'higher',
      target: 50,
      note: `${note}; bundle in quickjs-emscripten (interpreter, no JIT)`,
    },
    {
      name: 'edge.bundle_gzip_kb',
      value: Math.round((bundle.gzipBytes / 1024) * 10) / 10,
      unit: 'KiB',
      better: 'lower',
      target: EDGE_BUNDLE_BUDGET_GZIP_KB,
      note: `esbuild iife es2020 minified, ${Math.round(bundle.bytes / 1024)} KiB raw; h3-js (asm.js) is ~62 KiB gzipped of it`,
    },
  ];
}
