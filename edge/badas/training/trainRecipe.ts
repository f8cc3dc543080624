/**
 * The BADAS training recipe as reusable steps: samples from scenarios, the two-round fit with
 * hard-negative mining, the operating point chosen on validation drives, and the `.onnx` export.
 * `train.ts` (the shipped model) and `trainingRound.ts` (a candidate from fleet data) both run
 * these, so a candidate differs from the shipped model only in its data.
 *
 * Node-only (the export uses onnx-proto); never imported by the camera bundle.
 */
import { BADAS_METADATA, type BadasOperatingPoint, type BadasScorer } from '../badasScorer.ts';
import { BADAS_FEATURE_NAMES, BadasFeatureWindow } from '../features.ts';
import type { ScenarioSetSpec } from './datasets.ts';
import { alertFigures, type ScoredScenario, scoreScenario } from './evaluate.ts';
import { exportMlpToOnnx } from './exportOnnx.ts';
import {
  featureStats,
  foldStandardisation,
  type Mlp,
  mlpForward,
  type TrainOptions,
  trainMlp,
} from './mlp.ts';
import { frameLabels, generateScenarioSet, type Scenario } from './scenarios.ts';

/** The fit of the shipped model (`badas-anticipation-1.1.0`). */
export const TRAIN_OPTIONS: TrainOptions = {
  hidden: 24,
  epochs: 8,
  batch: 256,
  learningRate: 3e-3,
  positiveWeight: 2,
  l2: 1e-4,
  seed: 'badas-mlp-v1',
};
/** Negatives the first round scores above this are weighed {@link HARD_NEGATIVE_WEIGHT}× in the second. */
export const HARD_NEGATIVE_P = 0.5;
export const HARD_NEGATIVE_WEIGHT = 3;
/** Keep every positive frame and one negative in this many (negatives are ~95% of frames). */
export const NEGATIVE_STRIDE = 3;
/** False alarms per hour (strict: no conflict within 5 s) the operating point may reach on validation: the target. */
export const VALIDATION_FA_PER_H = 0.1;

/** Labelled feature vectors, the trainer's input. */
export interface LabelledSamples {
  xs: Float32Array[];
  ys: (0 | 1)[];
}

/** Generates the scenarios of a spec. */
export function scenariosOf(spec: ScenarioSetSpec): Scenario[] {
  return generateScenarioSet(spec.seed, spec.count, spec.mix, spec.options ?? {});
}

/**
 * Training samples of drives: every frame after the first second that is not inside a conflict,
 * labelled "a conflict starts within 3 s"; all positives, one negative in {@link NEGATIVE_STRIDE}.
 */
export function trainingSamples(scenarios: readonly Scenario[]): LabelledSamples {
  const xs: Float32Array[] = [];
  const ys: (0 | 1)[] = [];
  for (const s of scenarios) {
    const w = new BadasFeatureWindow();
    const labels = frameLabels(s);
    s.frames.forEach((f, i) => {
      const x = w.push(f);
      const l = labels[i];
      if (l === undefined || f.tS < 1) return;
      if (l === 1 || i % NEGATIVE_STRIDE === 0) {
        xs.push(x);
        ys.push(l);
      }
    });
  }
  return { xs, ys };
}

/** A fitted network, standardisation folded in, with what the fit did. */
export interface FittedBadas {
  net: Mlp;
  hardNegatives: number;
}

/**
 * Two rounds: the second weighs up the negatives the first scored as likely conflicts (hard
 * negative mining), because false alarms come from the few normal moments that look risky.
 * Returns the network with the feature standardisation folded into its first layer.
 */
export function fitBadas(samples: LabelledSamples, options: TrainOptions = TRAIN_OPTIONS): FittedBadas {
  const { xs, ys } = samples;
  const { mean, sd } = featureStats(xs);
  const standardised = xs.map((x) => Float32Array.from(x, (v, i) => (v - mean[i]!) / sd[i]!));
  const first = trainMlp(standardised, ys, options);
  const hb = new Float64Array(first.hidden);
  const weights = Float32Array.from(standardised, (x, i) =>
    ys[i] === 0 && mlpForward(first, x, hb) > HARD_NEGATIVE_P ? HARD_NEGATIVE_WEIGHT : 1,
  );
  const hardNegatives = weights.reduce((a, w) => a + (w > 1 ? 1 : 0), 0);
  const net = foldStandardisation(trainMlp(standardised, ys, options, weights), mean, sd);
  return { net, hardNegatives };
}

/** A scorer of raw feature vectors by a folded network, rounded to float32 as the `.onnx` computes. */
export function mlpScorer(net: Mlp): (features: Float32Array) => number {
  const h = new Float64Array(net.hidden);
  return (x) => Math.fround(mlpForward(net, x, h));
}

/**
 * A network as the camera's {@link BadasScorer} (the same arithmetic as its `.onnx` in the
 * portable interpreter, without the export): for simulating a fleet that runs it.
 */
export function mlpBadasScorer(
  net: Mlp,
  modelVersion: string,
  operatingPoint: BadasOperatingPoint,
): BadasScorer {
  return { modelVersion, operatingPoint, score: mlpScorer(net) };
}

/**
 * The operating point: the raise threshold with the longest mean warning time whose false
 * alarms on validation's conflict-free driving stay under {@link VALIDATION_FA_PER_H}.
 */
export function chooseOperatingPoint(
  val: readonly ScoredScenario[],
  budgetPerH = VALIDATION_FA_PER_H,
): { point: BadasOperatingPoint; note: string } {
  let best: { point: BadasOperatingPoint; mtta: number; fa: number } | undefined;
  for (const raiseHoldS of [0, 0.2, 0.4, 0.8]) {
    for (let raiseAt = 0.3; raiseAt < 0.995; raiseAt += 0.01) {
      const point = { raiseAt, raiseHoldS, clearAt: raiseAt * 0.5, clearHoldS: 1 };
      const f = alertFigures(val, 'model', point);
      if (f.falseAlarmsPerH > budgetPerH) continue;
      if (!best || f.mttaS > best.mtta) best = { point, mtta: f.mttaS, fa: f.falseAlarmsPerH };
      break;
    }
  }
  if (!best) {
    const point = { raiseAt: 0.99, raiseHoldS: 0.8, clearAt: 0.5, clearHoldS: 1 };
    return { point, note: 'no threshold met the validation false-alarm budget; fell back to 0.99' };
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const point = {
    raiseAt: round(best.point.raiseAt),
    raiseHoldS: best.point.raiseHoldS,
    clearAt: round(best.point.clearAt),
    clearHoldS: best.point.clearHoldS,
  };
  return { point, note: `validation mTTA ${best.mtta.toFixed(2)} s at ${best.fa.toFixed(3)} false alarms/h` };
}

/** Scores validation drives with a network: the input of {@link chooseOperatingPoint}. */
export function scoreDrives(scenarios: readonly Scenario[], net: Mlp): ScoredScenario[] {
  const score = mlpScorer(net);
  return scenarios.map((s) => scoreScenario(s, score));
}

/** The `.onnx` bytes of a network, its version and operating point in the metadata (the camera reads them there). */
export function exportBadasModel(net: Mlp, version: string, point: BadasOperatingPoint): Uint8Array {
  return exportMlpToOnnx(net, {
    [BADAS_METADATA.version]: version,
    [BADAS_METADATA.raiseAt]: String(point.raiseAt),
    [BADAS_METADATA.raiseHoldS]: String(point.raiseHoldS),
    [BADAS_METADATA.clearAt]: String(point.clearAt),
    [BADAS_METADATA.clearHoldS]: String(point.clearHoldS),
    [BADAS_METADATA.features]: BADAS_FEATURE_NAMES.join(','),
  });
}
