import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSeededRandom } from '../edge/core/random.ts';
import { decodeImage } from '../edge/perception/adapters/decodeImage.ts';
import { createOrtDetector } from '../edge/perception/adapters/ortDetector.ts';
import {
  VENDORED_DETECTOR,
  VENDORED_MIN_SCORE,
  VENDORED_MODEL_URL,
} from '../edge/perception/adapters/vendoredDetector.ts';
import { VEHICLE_CLASSES } from '../edge/perception/cocoClasses.ts';
import type { Detection, RgbImage } from '../edge/perception/detection.ts';
import type { DetectorModel } from '../edge/perception/detectors/detectorModel.ts';
import { YOLOX_NANO } from '../edge/perception/detectors/yoloxNano.ts';
import { IouTracker } from '../edge/perception/iouTracker.ts';
import { objectKinematics } from '../edge/perception/objectKinematics.ts';
import { averagePrecision, matchDetections } from '../edge/perception/testing/detectionMatch.ts';
import { runPerceptionScenarioInQuickJs } from '../edge/perception/testing/perceptionQuickJs.ts';
import { runPerceptionScenario } from '../edge/perception/testing/perceptionScenario.ts';
import { ROAD_PHOTO_LABELS } from '../edge/perception/testing/roadPhotoLabels.ts';
import { syntheticFrames } from '../edge/perception/testing/syntheticScene.ts';
import { candidateModel, roadPhotosDir, roadPhotosMissing } from '../test/real/roadPhotos.ts';
import type { BenchResult } from './types.ts';

/** Timed runs per photo after one warm-up run. */
const RUNS_PER_PHOTO = 5;
/** Candidates run at this floor; each operating threshold is applied afterwards (NMS is greedy
 * from the top, so filtering after NMS equals running at the higher threshold). */
const FLOOR_SCORE = 0.05;

/** One detector's figures on the labelled photos. */
export interface DetectorEvaluation {
  version: string;
  msPerFrame: number;
  modelKb: number;
  recall: number;
  precision: number;
  ap: number;
  /** Recall / precision at other thresholds, for the note. */
  sweep: { minScore: number; recall: number; precision: number }[];
}

/**
 * Runs `model` (its bytes) on the labelled road photos: detect() latency per frame (median of
 * all timed runs, pre-processing + inference + decoding + NMS, one wasm thread), and vehicle
 * recall / precision at IoU 0.5 at `minScore`, plus AP over all scores.
 */
export async function evaluateDetector(
  model: DetectorModel,
  bytes: Uint8Array,
  photos: readonly { image: RgbImage; labels: (typeof ROAD_PHOTO_LABELS)[number] }[],
  minScore: number,
): Promise<DetectorEvaluation> {
  const detector = await createOrtDetector(model, bytes, { minScore: FLOOR_SCORE, classes: VEHICLE_CLASSES });
  const timesMs: number[] = [];
  const perPhoto: Detection[][] = [];
  try {
    for (const { image } of photos) {
      perPhoto.push(await detector.detect(image));
      for (let i = 0; i < RUNS_PER_PHOTO; i++) {
        const t0 = performance.now();
        await detector.detect(image);
        timesMs.push(performance.now() - t0);
      }
    }
  } finally {
    await detector.release();
  }
  const labelCount = photos.reduce((n, p) => n + p.labels.vehicles.length, 0);
  const at = (thr: number) => {
    let tp = 0;
    let fp = 0;
    photos.forEach(({ labels }, i) => {
      const m = matchDetections(
        perPhoto[i]!.filter((d) => d.score >= thr),
        labels.vehicles.map((v) => v.box),
        labels.ignore,
      );
      tp += m.truePositives;
      fp += m.falsePositives;
    });
    return { minScore: thr, recall: tp / labelCount, precision: tp + fp === 0 ? 1 : tp / (tp + fp) };
  };
  const scored = photos.flatMap(({ labels }, i) => {
    const dets = perPhoto[i]!;
    const m = matchDetections(
      dets,
      labels.vehicles.map((v) => v.box),
      labels.ignore,
    );
    return dets.map((d, j) => ({ score: d.score, outcome: m.outcomes[j]! }));
  });
  const main = at(minScore);
  return {
    version: model.version,
    msPerFrame: median(timesMs),
    modelKb: bytes.length / 1024,
    recall: main.recall,
    precision: main.precision,
    ap: averagePrecision(scored, labelCount),
    sweep: [0.3, 0.4, 0.5, 0.65].map(at),
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Detector figures with a name suffix (`''` for the vendored detector, `.yolox_nano` for the candidate). */
function figures(e: DetectorEvaluation, suffix: string, labelNote: string, minScore: number): BenchResult[] {
  const sweep = e.sweep
    .map((s) => `≥${s.minScore}: R ${s.recall.toFixed(2)} P ${s.precision.toFixed(2)}`)
    .join('; ');
  return [
    {
      name: `perception.detector_ms_per_frame${suffix}`,
      value: round(e.msPerFrame, 1),
      unit: 'ms',
      better: 'lower',
      // 10 frames/s leaves 100 ms a frame; half of it for the detector keeps a core for the rest.
      target: 50,
      note: `${e.version}, onnxruntime-web wasm 1 thread, median of ${RUNS_PER_PHOTO} runs × 5 photos (decode of the JPEG excluded; resize, inference, decoding, NMS included)`,
    },
    {
      name: `perception.model_kb${suffix}`,
      value: round(e.modelKb, 0),
      unit: 'KiB',
      better: 'lower',
      note: e.version,
    },
    {
      name: `perception.recall_iou50${suffix}`,
      value: round(e.recall, 3),
      unit: 'share',
      better: 'higher',
      note: `${e.version} at score ≥ ${minScore}; ${labelNote}; sweep ${sweep}`,
    },
    {
      name: `perception.precision_iou50${suffix}`,
      value: round(e.precision, 3),
      unit: 'share',
      better: 'higher',
      note: `${e.version} at score ≥ ${minScore}; ${labelNote}`,
    },
    {
      name: `perception.ap_iou50${suffix}`,
      value: round(e.ap, 3),
      unit: 'AP',
      better: 'higher',
      note: `${e.version}, all scores ≥ ${FLOOR_SCORE}; ${labelNote}`,
    },
  ];
}

/**
 * Cost of everything after the detector (host JSON parsing, tracker, kinematics, lead selection)
 * per frame, on Node and in QuickJS, on a 60 s synthetic 30 fps scene with three objects.
 */
async function trackerCost(): Promise<BenchResult[]> {
  const options = { seed: 'bench', durationS: 60, fps: 30 };
  let nodeMs = Number.POSITIVE_INFINITY;
  let steps = 0;
  for (let i = 0; i < 4; i++) {
    const r = runPerceptionScenario({ ...options, now: () => performance.now() });
    if (i > 0) nodeMs = Math.min(nodeMs, r.stepMs); // the first run warms the JIT
    steps = r.steps;
  }
  const q = await runPerceptionScenarioInQuickJs(options);
  const note = `${steps} frames at 30 fps, 3 objects (lead braking, truck passing, pedestrian); host JSON → parseHostDetections → tracker → kinematics → lead`;
  return [
    {
      name: 'perception.tracker_us_per_frame',
      value: round((nodeMs * 1000) / steps, 1),
      unit: 'µs',
      better: 'lower',
      note: `Node, best of 3 after a warm-up; ${note}`,
    },
    {
      name: 'perception.tracker_quickjs_us_per_frame',
      value: round((q.result.stepMs * 1000) / q.result.steps, 1),
      unit: 'µs',
      better: 'lower',
      // A 30 fps camera has 33 ms a frame; a millisecond for perception's JavaScript half is 3 %.
      target: 1000,
      note: `QuickJS (quickjs-emscripten, interpreter); ${note}`,
    },
  ];
}

/**
 * Time-to-collision accuracy on synthetic approaches (closing 3, 6, 10 m/s from 40 m; 10 and
 * 30 fps; 2 % box-edge jitter, 5 % missed detections; 4 noise draws each): median relative
 * error over frames whose true TTC is 1–6 s, for the box-growth fit and, as the plain baseline,
 * the two-frame scale ratio TTC = Δt / (s − 1). A frame without an estimate counts as 100 %.
 */
function ttcAccuracy(): BenchResult[] {
  const camera = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 90, setbackM: 2 };
  const fitErr: number[] = [];
  const baseErr: number[] = [];
  for (const closingMps of [3, 6, 10]) {
    for (const fps of [10, 30]) {
      for (const seed of ['a', 'b', 'c', 'd']) {
        const frames = syntheticFrames({
          camera,
          vehicles: [
            {
              className: 'car',
              heightM: 1.5,
              widthM: 1.8,
              rangeAt: (t) => 40 - closingMps * t,
              lateralAt: () => 0,
            },
          ],
          fps,
          durationS: (40 - 6) / closingMps,
          jitterShare: 0.02,
          missShare: 0.05,
          random: createSeededRandom(`ttc-${closingMps}-${fps}-${seed}`),
        });
        const tracker = new IouTracker();
        for (const { tS, detections } of frames) {
          const [track] = tracker.update(tS, detections);
          const trueTtcS = (40 - closingMps * tS) / closingMps;
          if (!track || track.lastSeenS !== tS || trueTtcS > 6 || trueTtcS < 1) continue;
          const fit = objectKinematics(track, camera, { speedMps: 20 }).ttcS;
          fitErr.push(fit === undefined ? 1 : Math.abs(fit / trueTtcS - 1));
          const [prev, last] = track.history.slice(-2);
          const s = prev && last ? last.box.h / prev.box.h : 1;
          const two = s > 1 ? (last!.tS - prev!.tS) / (s - 1) : undefined;
          baseErr.push(two === undefined ? 1 : Math.min(1, Math.abs(two / trueTtcS - 1)));
        }
      }
    }
  }
  const note = `${fitErr.length} frames of synthetic approaches with true TTC 1–6 s, 10 and 30 fps, 2 % box jitter, 5 % misses`;
  return [
    {
      name: 'perception.ttc_median_error',
      value: round(median(fitErr), 3),
      unit: 'share',
      better: 'lower',
      note: `box-growth fit over ≥ 1 s (lag-corrected); ${note}`,
    },
    {
      name: 'perception.ttc_median_error.two_frame',
      value: round(median(baseErr), 3),
      unit: 'share',
      better: 'lower',
      note: `plain baseline TTC = Δt/(s − 1) from the last two boxes, errors capped at 100 %; ${note}`,
    },
  ];
}

/**
 * `dashnet bench` group `perception`: the camera detector's latency per frame in onnxruntime-web,
 * its size, and vehicle recall / precision / AP at IoU 0.5 on the hand-labelled road photos, for
 * the vendored FastestDet and, beside it, the YOLOX-Nano candidate it was picked against (without
 * the photos only the model size); the tracker's cost per frame on Node and QuickJS; and TTC
 * accuracy of the box-growth fit beside the plain two-frame baseline.
 */
export async function runPerceptionBench(): Promise<BenchResult[]> {
  const vendoredBytes = new Uint8Array(await readFile(VENDORED_MODEL_URL));
  const after = [...(await trackerCost()), ...ttcAccuracy()];
  const dir = roadPhotosDir();
  if (dir === undefined) {
    return [
      ...after,
      {
        name: 'perception.model_kb',
        value: round(vendoredBytes.length / 1024, 0),
        unit: 'KiB',
        better: 'lower',
        note: `${VENDORED_DETECTOR.version}; latency and accuracy ${roadPhotosMissing()}`,
      },
    ];
  }
  const photos = [];
  for (const labels of ROAD_PHOTO_LABELS) {
    const image = decodeImage(new Uint8Array(await readFile(join(dir, labels.file))));
    photos.push({ image, labels });
  }
  const labelCount = photos.reduce((n, p) => n + p.labels.vehicles.length, 0);
  const labelNote = `${labelCount} hand-labelled vehicles in ${photos.length} road photos (edge/perception/testing/roadPhotoLabels.ts)`;
  const results = figures(
    await evaluateDetector(VENDORED_DETECTOR, vendoredBytes, photos, VENDORED_MIN_SCORE),
    '',
    labelNote,
    VENDORED_MIN_SCORE,
  );
  const yoloxPath = candidateModel('yolox_nano.onnx');
  if (yoloxPath !== undefined) {
    const bytes = new Uint8Array(await readFile(yoloxPath));
    const e = await evaluateDetector(YOLOX_NANO, bytes, photos, YOLOX_NANO.defaultMinScore);
    results.push(...figures(e, '.yolox_nano', labelNote, YOLOX_NANO.defaultMinScore));
  }
  return [...results, ...after];
}
