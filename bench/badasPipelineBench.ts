import { getQuickJS } from 'quickjs-emscripten';
import { AlertHysteresis } from '../edge/badas/alertHysteresis.ts';
import type { FrameKinematics } from '../edge/badas/badasStage.ts';
import { readBadasModel } from '../edge/badas/modelFile.ts';
import { FCW_OPERATING_POINT, fcwScore } from '../edge/badas/training/evaluate.ts';
import { buildEdgeBundle } from '../edge/bundle/buildBundle.ts';
import { evalOrThrow } from '../edge/bundle/runInQuickJs.ts';
import { ManualClock } from '../edge/core/clock.ts';
import { silentLogger } from '../edge/core/logger.ts';
import { createSeededRandom } from '../edge/core/random.ts';
import { MemoryStorage } from '../edge/core/storage.ts';
import { DEFAULT_EDGE_CONFIG } from '../edge/edgeConfig.ts';
import { EdgePipeline } from '../edge/pipeline.ts';
import type { GpsFix } from '../edge/sensors/samples.ts';
import { gaussian } from '../lib/random/prng.ts';
import { CMU_DATASET, type CmuDrive, cmuFiles, cmuRoot, loadCmuDrive } from '../test/real/cmuDrives.ts';
import { realDataMissing } from '../test/real/realDataRoot.ts';
import type { BenchResult } from './types.ts';

const CMU_CITE = 'Bhatt, Mani, Xi, Kolter 2017, Intelligent Pothole Detection (iPhone 6S, 5 Hz, Pittsburgh)';
const FRAME_MS = 100;
/** The ego follows the lead with this reaction time: the lead drives the ego's speed profile this much earlier. */
const REACTION_S = 1;
/** Perception noise on the lead (the monocular range estimate's, see docs/perception.md). */
const CLOSING_SIGMA_MPS = 0.4;
const GAP_SIGMA_SHARE = 0.03;
const MISS_SHARE = 0.05;

/** GPS speed at `tMs`, linearly interpolated between fixes that carry one. */
function speedAt(gps: readonly GpsFix[], tMs: number): number {
  let prev: GpsFix | undefined;
  for (const g of gps) {
    if (g.speedMps === undefined) continue;
    if (g.tMs >= tMs) {
      if (!prev || prev.speedMps === undefined) return g.speedMps;
      const w = (tMs - prev.tMs) / Math.max(1, g.tMs - prev.tMs);
      return prev.speedMps + w * (g.speedMps - prev.speedMps);
    }
    prev = g;
  }
  return prev?.speedMps ?? 0;
}

/**
 * A lead the real driver was following: it drove the ego's real speed profile `REACTION_S`
 * earlier (the driver reacted to it), starting 2 s of headway (at least 5 m) ahead, so the gap
 * settles near 5 m + 1 s × speed; seen through perception noise and 5 % missed frames. Ordinary,
 * rather close car following. The lead inherits the receiver's speed glitches (a jump of the
 * real GPS speed is a jump of the lead's), as a real tracker's range rate has glitches of its own.
 */
function followingLead(drive: CmuDrive, seed: string): { tMs: number; lead: FrameKinematics }[] {
  const rnd = createSeededRandom(seed);
  const withSpeed = drive.gps.filter((g) => g.speedMps !== undefined);
  const t0 = withSpeed[0]?.tMs ?? 0;
  const t1 = withSpeed.at(-1)?.tMs ?? 0;
  const out: { tMs: number; lead: FrameKinematics }[] = [];
  let gap = Math.max(5, 2 * speedAt(withSpeed, t0));
  for (let tMs = t0; tMs < t1 - REACTION_S * 1000; tMs += FRAME_MS) {
    const ego = speedAt(withSpeed, tMs);
    const lead = speedAt(withSpeed, tMs + REACTION_S * 1000);
    const closing = ego - lead;
    gap = Math.max(2, gap - (closing * FRAME_MS) / 1000);
    if (rnd.next() < MISS_SHARE) {
      out.push({ tMs, lead: {} });
      continue;
    }
    out.push({
      tMs,
      lead: {
        leadGapM: gap * (1 + GAP_SIGMA_SHARE * gaussian(rnd)),
        leadClosingMps: closing + CLOSING_SIGMA_MPS * gaussian(rnd),
      },
    });
  }
  return out;
}

/** FCW alerts (TTC < 2.7 s, the production debounce) on the same lead inputs. */
function fcwAlerts(frames: readonly { tMs: number; lead: FrameKinematics }[]): number {
  const h = new AlertHysteresis(FCW_OPERATING_POINT);
  let raised = 0;
  for (const { tMs, lead } of frames) {
    const s = fcwScore({ tS: tMs / 1000, egoSpeedMps: 0, egoAccelMps2: 0, ...lead });
    const step = h.update(tMs / 1000, s);
    if (step.changed && step.active) raised++;
  }
  return raised;
}

/**
 * µs per `pushFrame` inside QuickJS: the bundle replays a 10-minute synthetic drive (1 Hz GPS)
 * with and without 6,000 frames of lead kinematics; the difference per frame (frames CSV parsing
 * included) is the cost of BADAS on a QuickJS camera.
 */
async function quickJsFrameUs(model: Uint8Array): Promise<{ us: number; frames: number }> {
  const t0 = 1_700_000_000;
  const gps = ['t,lat,lng,speed_mps,heading_deg'];
  for (let i = 0; i < 700; i++)
    gps.push(`${t0 + i},${(52.5 + Math.min(i, 640) * 0.00013).toFixed(6)},13.4,${i < 640 ? 14.5 : 0},0`);
  const frames = ['t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps'];
  for (let i = 100; i < 6100; i++)
    frames.push(`${(i / 10).toFixed(1)},14.5,0,${(20 + Math.sin(i / 50)).toFixed(2)},0.1`);
  const { code } = await buildEdgeBundle();
  const qjs = await getQuickJS();
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(512 * 1024 * 1024);
  const vm = runtime.newContext();
  try {
    evalOrThrow(vm, code);
    const buf = vm.newArrayBuffer(model.slice().buffer);
    vm.setProp(vm.global, '__model', buf);
    buf.dispose();
    const now = vm.newFunction('__hostNow', () => vm.newNumber(performance.now()));
    vm.setProp(vm.global, '__hostNow', now);
    now.dispose();
    for (const [name, value] of [
      ['__gps', gps.join('\n')],
      ['__frames', frames.join('\n')],
    ] as const) {
      const h = vm.newString(value);
      vm.setProp(vm.global, name, h);
      h.dispose();
    }
    const ms = evalOrThrow(
      vm,
      `(function () { var m = new Uint8Array(__model); dashnetEdge.replay(__gps, null, '{}');
        var a = __hostNow(); dashnetEdge.replay(__gps, null, '{}', __frames, m);
        var b = __hostNow(); dashnetEdge.replay(__gps, null, '{}');
        var c = __hostNow(); return (b - a) - (c - b); })()`,
    ) as number;
    return { us: (ms * 1000) / (frames.length - 1), frames: frames.length - 1 };
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

/**
 * BADAS inside the camera pipeline on real drives: the CMU phone drives' own GPS and IMU give
 * the ego speed and acceleration (mount calibration included), with a synthetic lead the driver
 * follows normally. Alerts and near misses per hour there are false alarms of the whole chain,
 * beside the classic FCW on the same lead inputs; and the cost of one `pushFrame` on Node and in
 * QuickJS.
 */
export async function runBadasPipelineBench(): Promise<BenchResult[]> {
  const model = readBadasModel();
  const qjs = await quickJsFrameUs(model);
  const quickJsResult: BenchResult = {
    name: 'badas.pipeline_frame_quickjs_us',
    value: Math.round(qjs.us * 10) / 10,
    unit: 'µs/frame',
    better: 'lower',
    note: `EdgePipeline.pushFrame inside QuickJS (the camera bundle, quickjs-emscripten on this host), ${qjs.frames} frames, frames CSV parsing included`,
  };
  const root = cmuRoot();
  if (!root) {
    process.stderr.write(`${realDataMissing(CMU_DATASET)}\n`);
    return [quickJsResult];
  }
  let hours = 0;
  let alerts = 0;
  let nearMisses = 0;
  let baseline = 0;
  let frameCount = 0;
  let frameNs = 0;
  const drives = cmuFiles(root).filter((f) => f.rateHz >= 4 && !f.file.startsWith('Good_Road_Bad_Road/'));
  for (const f of drives) {
    const drive = loadCmuDrive(root, f.file);
    const frames = followingLead(drive, f.file);
    if (frames.length < 600) continue;
    const pipeline = new EdgePipeline(
      {
        clock: new ManualClock(),
        random: createSeededRandom('bench'),
        storage: new MemoryStorage(),
        logger: silentLogger,
        badasModel: model,
      },
      { ...DEFAULT_EDGE_CONFIG, networkSharing: false },
      undefined,
      {
        detected: (e) => {
          if (e.type === 'badas_alert') alerts++;
          if (e.type === 'near_miss') nearMisses++;
        },
      },
    );
    const samples: { tMs: number; order: number; feed: () => void }[] = [
      ...drive.gps.map((g) => ({ tMs: g.tMs, order: 0, feed: () => pipeline.pushGps(g) })),
      ...drive.imu.map((s) => ({ tMs: s.tMs, order: 1, feed: () => pipeline.pushImu(s) })),
    ];
    for (const fr of frames) {
      samples.push({
        tMs: fr.tMs,
        order: 2,
        feed: () => {
          const t = process.hrtime.bigint();
          pipeline.pushFrame(fr.tMs, fr.lead);
          frameNs += Number(process.hrtime.bigint() - t);
          frameCount++;
        },
      });
    }
    samples.sort((a, b) => a.tMs - b.tMs || a.order - b.order);
    for (const s of samples) s.feed();
    pipeline.finish();
    hours += pipeline.stats.frames / (3600_000 / FRAME_MS);
    baseline += fcwAlerts(frames);
  }
  const note = `${drives.length} CMU drives, ${hours.toFixed(2)} h scored at 10 Hz, real GPS/IMU ego, synthetic lead followed with a 1 s reaction (σ ${CLOSING_SIGMA_MPS} m/s, ${GAP_SIGMA_SHARE * 100} % gap, ${MISS_SHARE * 100} % missed); ${CMU_CITE}`;
  const perH = (n: number) => Math.round((n / Math.max(hours, 1e-9)) * 100) / 100;
  return [
    {
      name: 'badas.pipeline_following_alerts_per_h',
      value: perH(alerts),
      unit: 'alerts/h',
      better: 'lower',
      target: 0.1,
      note: `${alerts} alerts; ${note}`,
    },
    {
      name: 'badas.pipeline_following_alerts_per_h.ttc_baseline',
      value: perH(baseline),
      unit: 'alerts/h',
      better: 'lower',
      note: `${baseline} FCW (TTC < 2.7 s) alerts on the same lead inputs; ${note}`,
    },
    {
      name: 'badas.pipeline_following_near_misses_per_h',
      value: perH(nearMisses),
      unit: 'events/h',
      better: 'lower',
      note: `${nearMisses} near misses reported where none happened; ${note}`,
    },
    {
      name: 'badas.pipeline_frame_us',
      value: Math.round(frameNs / Math.max(frameCount, 1) / 10) / 100,
      unit: 'µs/frame',
      better: 'lower',
      note: `EdgePipeline.pushFrame on Node (features, portable ONNX interpreter, hysteresis, near-miss rule, placement), ${frameCount} frames`,
    },
    quickJsResult,
  ];
}
