import { gzipSync } from 'node:zlib';
import { loadRoadGraph } from '../bin/commands/simulate.ts';
import type { Transport } from '../edge/core/transport.ts';
import { createCameraFleet } from '../sim/cameraFleet.ts';
import { createFleet } from '../sim/world/fleet.ts';
import { defaultScenario } from '../sim/world/scenario.ts';
import type { BenchResult } from './types.ts';

const CAMERAS = 40;
const WARMUP_MIN = 2;
const MEASURED_MIN = 10;

/** CPU time (user + system) of this process, ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A transport that accepts everything in memory: the stack's cost is not the camera's. */
const acceptAll: Transport = async () => ({
  status: 202,
  headers: {},
  body: '{"accepted":0,"duplicates":0,"rejected":[]}',
});

/**
 * CPU of one simulated camera per simulated minute: car motion, sensor synthesis, the whole
 * edge pipeline, and its uplink (gzip, send to an in-memory endpoint), over a fleet of
 * {@link CAMERAS} on the Pittsburgh network.
 */
async function cameraCost(sensorsOnly: boolean): Promise<{ msPerCameraMinute: number; imuHz: number }> {
  const graph = loadRoadGraph();
  const startMs = Date.UTC(2026, 4, 4, 7, 0, 0);
  const scenario = defaultScenario(11, graph, { startMs, cameras: CAMERAS, horizonMs: 30 * 60_000 });
  const fleet = createCameraFleet(graph, scenario, { sensorsOnly });
  for (const c of fleet.cameras)
    c.connect({
      apiUrl: 'http://bench.invalid',
      deviceToken: 'bench',
      transport: acceptAll,
      gzip: (t) => new Uint8Array(gzipSync(t)),
    });
  const pumpAll = async () => {
    for (const c of fleet.cameras) while (c.queueDepth > 0 && (await c.uplink?.pump()) === 'sent');
  };
  fleet.advanceTo(startMs + WARMUP_MIN * 60_000);
  await pumpAll();
  const imuBefore = fleet.stats().imuSamples;
  const before = cpuMs();
  for (let m = WARMUP_MIN + 1; m <= WARMUP_MIN + MEASURED_MIN; m++) {
    fleet.advanceTo(startMs + m * 60_000);
    await pumpAll();
  }
  const spent = cpuMs() - before;
  const samples = fleet.stats().imuSamples - imuBefore;
  return {
    msPerCameraMinute: spent / (CAMERAS * MEASURED_MIN),
    imuHz: samples / (CAMERAS * MEASURED_MIN * 60),
  };
}

/** The old shortcut, for comparison: cars that write contract events themselves, no sensors, no camera. */
function directEventsCost(): number {
  const graph = loadRoadGraph();
  const startMs = Date.UTC(2026, 4, 4, 7, 0, 0);
  const fleet = createFleet(
    graph,
    defaultScenario(11, graph, { startMs, cameras: CAMERAS, horizonMs: 30 * 60_000 }),
  );
  fleet.advanceTo(startMs + WARMUP_MIN * 60_000);
  const before = cpuMs();
  fleet.advanceTo(startMs + (WARMUP_MIN + MEASURED_MIN) * 60_000);
  return (cpuMs() - before) / (CAMERAS * MEASURED_MIN);
}

/**
 * `sim.*` figures of `dashnet bench`: what one simulated camera costs and how many of them one
 * core keeps in real time (the target: 100, so `dashnet start` runs its fleet on one core).
 */
export async function runSimBench(): Promise<BenchResult[]> {
  const full = await cameraCost(false);
  const sensors = await cameraCost(true);
  const direct = directEventsCost();
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const note = `${CAMERAS} cameras × ${MEASURED_MIN} simulated min on the Pittsburgh network, mixed camera models (mean IMU ${r2(full.imuHz)} Hz), one process, CPU time`;
  return [
    {
      name: 'sim.cameras_per_core_realtime',
      value: Math.floor(60_000 / full.msPerCameraMinute),
      unit: 'cameras',
      better: 'higher',
      target: 100,
      note: `${note}; car motion + sensor synthesis + edge pipeline + uplink (gzip, in-memory endpoint)`,
    },
    {
      name: 'sim.cpu_ms_per_camera_minute',
      value: r2(full.msPerCameraMinute),
      unit: 'ms',
      better: 'lower',
      target: 600,
      note: `${note}; 600 ms is what 100 real-time cameras on one core allow`,
    },
    {
      name: 'sim.cpu_ms_per_camera_minute.sensors_only',
      value: r2(sensors.msPerCameraMinute),
      unit: 'ms',
      better: 'lower',
      note: `${note}; car motion + sensor synthesis, samples discarded (the rest is the camera's pipeline)`,
    },
    {
      name: 'sim.cpu_ms_per_camera_minute.direct_events',
      value: r2(direct),
      unit: 'ms',
      better: 'lower',
      note: `${note}; baseline: the old shortcut, cars writing contract events with no sensors and no camera`,
    },
  ];
}
