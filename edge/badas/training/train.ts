/**
 * Trains the BADAS anticipation model and writes `edge/badas/model/badas-v1.onnx` plus its
 * manifest. Reproducible: every draw comes from the seeds in `datasets.ts` and below.
 *
 *   npx tsx edge/badas/training/train.ts
 *
 * Node-only (file writes, sha256); never imported by the camera bundle.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BADAS_FEATURE_NAMES, BADAS_WINDOW_S } from '../features.ts';
import { TRAIN_SET, VALIDATION_SETS } from './datasets.ts';
import { BADAS_INPUT, BADAS_OPERATORS, BADAS_OPSET, BADAS_OUTPUT } from './exportOnnx.ts';
import {
  chooseOperatingPoint,
  exportBadasModel,
  fitBadas,
  HARD_NEGATIVE_WEIGHT,
  NEGATIVE_STRIDE,
  scenariosOf,
  scoreDrives,
  TRAIN_OPTIONS,
  trainingSamples,
} from './trainRecipe.ts';

/** Version string the camera reports in `badas_alert.modelVersion`. */
export const BADAS_MODEL_VERSION = 'badas-anticipation-1.1.0';
export const TRAINING_COMMAND = 'npx tsx edge/badas/training/train.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const train = scenariosOf(TRAIN_SET);
  const { xs, ys } = trainingSamples(train);
  const positives = ys.reduce<number>((a, y) => a + y, 0);
  process.stdout.write(`training samples ${xs.length} (${positives} positive) from ${train.length} drives\n`);
  const { net, hardNegatives } = fitBadas({ xs, ys });
  process.stdout.write(`round 1 done; ${hardNegatives} hard negatives weighed ×${HARD_NEGATIVE_WEIGHT}\n`);
  process.stdout.write(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const val = scoreDrives(VALIDATION_SETS.flatMap(scenariosOf), net);
  const { point, note } = chooseOperatingPoint(val);
  process.stdout.write(`operating point ${JSON.stringify(point)}: ${note}\n`);

  const bytes = exportBadasModel(net, BADAS_MODEL_VERSION, point);
  const dir = fileURLToPath(new URL('../model/', import.meta.url));
  writeFileSync(`${dir}badas-v1.onnx`, bytes);
  const manifest = {
    name: 'badas-v1.onnx',
    kind: 'model',
    version: BADAS_MODEL_VERSION,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    licence: 'Apache-2.0 (dashnet; trained only on dashnet-generated synthetic scenarios)',
    task: 'probability that a conflict (collision, or time-to-collision < 1.5 s) with the lead object starts within the next 3 s',
    architecture: `MLP ${net.inputs} → ${net.hidden} (ReLU) → 1 (sigmoid); feature standardisation folded into the first Gemm`,
    parameters: net.w1.length + net.b1.length + net.w2.length + 1,
    opset: BADAS_OPSET,
    operators: [...BADAS_OPERATORS],
    inputs: [
      {
        name: BADAS_INPUT,
        dtype: 'float32',
        dims: ['N', net.inputs],
        windowS: BADAS_WINDOW_S,
        features: [...BADAS_FEATURE_NAMES],
        computedBy: 'edge/badas/features.ts BadasFeatureWindow',
      },
    ],
    outputs: [{ name: BADAS_OUTPUT, dtype: 'float32', dims: ['N', 1] }],
    operatingPoint: point,
    operatingPointNote: note,
    trainingCommand: TRAINING_COMMAND,
    training: {
      data: TRAIN_SET,
      validation: VALIDATION_SETS,
      options: TRAIN_OPTIONS,
      negativeStride: NEGATIVE_STRIDE,
      samples: xs.length,
      positives,
    },
  };
  writeFileSync(`${dir}badas-v1.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(
    `wrote badas-v1.onnx (${bytes.length} bytes, sha256 ${manifest.sha256.slice(0, 12)}…) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
