import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { averagePrecision, matchDetections } from '../edge/perception/testing/detectionMatch.ts';
import { ROAD_PHOTO_LABELS } from '../edge/perception/testing/roadPhotoLabels.ts';
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
 * `dashnet bench` group `perception`: the camera detector's latency per frame in onnxruntime-web,
 * its size, and vehicle recall / precision / AP at IoU 0.5 on the hand-labelled road photos, for
 * the vendored FastestDet and, beside it, the YOLOX-Nano candidate it was picked against. Without
 * the photos only the model size is reported.
 */
export async function runPerceptionBench(): Promise<BenchResult[]> {
  const vendoredBytes = new Uint8Array(await readFile(VENDORED_MODEL_URL));
  const dir = roadPhotosDir();
  if (dir === undefined) {
    return [
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
  return results;
}
