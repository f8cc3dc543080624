import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildEdgeBundle, EDGE_BUNDLE_BUDGET_GZIP_KB } from '../edge/bundle/buildBundle.ts';
import { loadBundleInQuickJs } from '../edge/bundle/runInQuickJs.ts';
import { ManualClock } from '../edge/core/clock.ts';
import { silentLogger } from '../edge/core/logger.ts';
import { createSeededRandom } from '../edge/core/random.ts';
import { MemoryStorage } from '../edge/core/storage.ts';
import { DEFAULT_EDGE_CONFIG } from '../edge/edgeConfig.ts';
import { EdgePipeline } from '../edge/pipeline.ts';
import { replaySamples } from '../edge/replay.ts';
import { syntheticDrive, toGpsCsv, toImuCsv, townDriveScript } from '../edge/testing/syntheticDrive.ts';
import type { BenchResult } from './types.ts';

/**
 * Edge pipeline figures: throughput as a multiple of real time for 100 Hz IMU (with gyro) +
 * 10 Hz GPS on Node and inside QuickJS (the camera bundle in quickjs-emscripten), the
 * bundle's gzipped size, and heap growth per hour of driving.
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

  const memory = measureHeapGrowth();

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
    {
      name: 'edge.memory_kb_per_hour',
      value: Math.round(memory.kbPerHour * 10) / 10,
      unit: 'KiB/h',
      better: 'lower',
      // Flags leaks, not caches: at 256 KiB/h a 10 h driving day adds ≤ 2.5 MiB, within the
      // headroom of a 32 MiB camera app heap; bounded caches (H3 cells) stop growing on their own.
      target: 256,
      note: memory.note,
    },
  ];
}

/**
 * Heap growth of one long-lived pipeline per simulated hour of driving, with the queue drained
 * as an uplink would (every batch acked): `process.memoryUsage().heapUsed` after a full GC,
 * after two warm-up drives (JIT, first trip), then after each of ≥ 1 h more of consecutive town
 * drives on new roads (50 Hz IMU with gyro, 5 Hz GPS, a stop at the end of each, so trips end
 * and start). Growth is the least-squares slope of those samples over the hours driven. `gc` comes from `--expose-gc` when Node was started
 * with it, else from `v8.setFlagsFromString('--expose-gc')` + a fresh vm context; without a GC
 * the figure would be allocation noise, so the note says which was used.
 */
function measureHeapGrowth(): { kbPerHour: number; note: string } {
  const gc = exposeGc();
  const fullGc = () => {
    for (let i = 0; i < 3; i++) gc?.();
  };
  const storage = new MemoryStorage();
  const pipeline = new EdgePipeline(
    { clock: new ManualClock(), random: createSeededRandom('memory'), storage, logger: silentLogger },
    { ...DEFAULT_EDGE_CONFIG, networkSharing: true },
  );
  let pos = { lat: 52.52, lng: 13.405 };
  let tMs = Date.UTC(2024, 4, 6, 6, 0, 0);
  let loop = 0;
  /** One town drive starting where the last ended; returns its length in ms. */
  const driveOnce = (): number => {
    const d = syntheticDrive(
      townDriveScript({ seed: `memory-${loop++}`, startMs: tMs, ...pos, imuHz: 50, gpsHz: 5, gyro: true }),
    );
    let i = 0;
    let j = 0;
    while (i < d.gps.length || j < d.imu.length) {
      const g = d.gps[i];
      const m = d.imu[j];
      if (g && (!m || g.tMs <= m.tMs)) {
        pipeline.pushGps(g);
        i++;
      } else if (m) {
        pipeline.pushImu(m);
        j++;
      }
      // Drain as the uplink would: the queue must not be what grows.
      for (let b = pipeline.queue.peek(); b; b = pipeline.queue.peek()) pipeline.queue.ack(b.seq);
    }
    const endMs = Math.max(d.gps.at(-1)?.tMs ?? tMs, d.imu.at(-1)?.tMs ?? tMs);
    const spanMs = endMs - tMs;
    tMs = endMs + 1000;
    pos = d.end;
    return spanMs;
  };
  for (let k = 0; k < 2; k++) driveOnce();
  const heapKiB = (): number => {
    fullGc();
    return process.memoryUsage().heapUsed / 1024;
  };
  // One sample per drive, then the least-squares slope: a single before/after difference
  // swings by megabytes with where V8 happens to be in its page bookkeeping.
  const samples: [number, number][] = [[0, heapKiB()]];
  let drivenMs = 0;
  while (drivenMs < 3_600_000) {
    drivenMs += driveOnce();
    samples.push([drivenMs / 3_600_000, heapKiB()]);
  }
  const hours = drivenMs / 3_600_000;
  return {
    kbPerHour: slope(samples),
    note:
      `least-squares slope of heapUsed after ${gc ? 'forced GC' : 'NO forced GC (unreliable)'} per drive, ` +
      `one pipeline over ${hours.toFixed(2)} h of consecutive synthetic town drives on new roads ` +
      `(50 Hz IMU + gyro, 5 Hz GPS), queue drained, ${storage.size()} storage keys at end; includes the ` +
      'H3 cell cache filling (bounded at 4096 cells)',
  };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** `global.gc` if Node exposes it, else enabled at run time; `undefined` if neither works. */
function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
