import { createQuickJsPlatform } from '../adapters/quickjs.ts';
import { AlertsEngine } from '../alerts/alertsEngine.ts';
import { DEFAULT_HAZARD_CACHE, HazardCache } from '../alerts/hazardCache.ts';
import { BadasMonitor } from '../badas/badasMonitor.ts';
import { createPortableBadasScorer } from '../badas/badasScorer.ts';
import { BadasStage, DEFAULT_BADAS_STAGE } from '../badas/badasStage.ts';
import { BadasFeatureWindow } from '../badas/features.ts';
import { runBadasOnCsv } from '../badas/kinematicsCsv.ts';
import { DEFAULT_EDGE_CONFIG } from '../edgeConfig.ts';
import { parseHostDetections } from '../perception/hostDetections.ts';
import { LeadPerception } from '../perception/leadPerception.ts';
import { EdgePipeline } from '../pipeline.ts';
import { replayLogs, replaySamples } from '../replay.ts';
import { parseGpsCsv, parseImuCsv } from '../sensors/csvLog.ts';

/** Options of the bundle's `replay`, as JSON (strings are all that cross cheaply). */
interface ReplayOptionsJson {
  homes?: { lat: number; lng: number }[];
  seed?: string;
}

/**
 * The bundle's API, installed as `globalThis.dashnetEdge`: the camera firmware (or a test)
 * builds a platform from its host functions and runs the pipeline.
 *
 * BADAS on a QuickJS camera: the host sets `platform.badasModel` to the `.onnx` bytes it
 * received over the air and `platform.onDriverWarning` to its beeper before building the
 * pipeline, then per camera frame passes its NPU's boxes:
 *
 * @example
 * var p = dashnetEdge.createPlatform(host);
 * p.badasModel = new Uint8Array(modelBuffer);
 * p.onDriverWarning = function (w) { host.beep(w.active); };
 * var pipeline = new dashnetEdge.EdgePipeline(p, config);
 * // each frame, in time order with GPS and IMU samples:
 * pipeline.pushFrame(frameMs, dashnetEdge.perception.parseHostDetections(JSON.parse(npuJson), { width: 1280, height: 720 }));
 * // or, when the host measured the lead itself: pipeline.pushFrame(frameMs, { leadGapM: 18.2, leadClosingMps: 3.1 })
 */
export const dashnetEdge = {
  createPlatform: createQuickJsPlatform,
  EdgePipeline,
  DEFAULT_EDGE_CONFIG,
  /** Warns the driver of hazards ahead: the host feeds GPS fixes and ticks about once a second. */
  AlertsEngine,
  HazardCache,
  DEFAULT_HAZARD_CACHE,
  /** BADAS stage 2 (collision anticipation) on the portable ONNX interpreter: the host hands in the `.onnx` bytes. */
  badas: {
    createPortableBadasScorer,
    BadasMonitor,
    BadasFeatureWindow,
    runBadasOnCsv,
    BadasStage,
    DEFAULT_BADAS_STAGE,
  },
  /** Perception after the detector: validates the host's boxes; the tracker and lead selection. */
  perception: { parseHostDetections, LeadPerception },
  /**
   * Replays CSV logs; returns the POST bodies, one per line. `framesCsv` (the `edge badas`
   * kinematics CSV) runs BADAS too, with `badasModel` the `.onnx` bytes.
   */
  replay(
    gpsCsv: string,
    imuCsv: string | null,
    optionsJson: string,
    framesCsv?: string | null,
    badasModel?: Uint8Array,
  ): string {
    const o = JSON.parse(optionsJson) as ReplayOptionsJson;
    const input: Parameters<typeof replayLogs>[0] = { gpsCsv };
    if (imuCsv !== null) input.imuCsv = imuCsv;
    if (framesCsv !== undefined && framesCsv !== null) input.framesCsv = framesCsv;
    if (badasModel !== undefined) input.badasModel = badasModel;
    if (o.homes) input.homes = o.homes;
    if (o.seed !== undefined) input.seed = o.seed;
    return replayLogs(input).join('\n');
  },
  /** Bench: parses, then times the pipeline alone with the host's clock. */
  timedReplay(gpsCsv: string, imuCsv: string, nowMs: () => number): string {
    const gps = parseGpsCsv(gpsCsv);
    const imu = parseImuCsv(imuCsv);
    const t0 = nowMs();
    const bodies = replaySamples(gps, imu, [], 'bench');
    return JSON.stringify({ runMs: nowMs() - t0, batches: bodies.length });
  },
};

(globalThis as unknown as { dashnetEdge: typeof dashnetEdge }).dashnetEdge = dashnetEdge;
