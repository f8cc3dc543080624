import { describe, expect, it } from 'vitest';
import { gatherTrainingSet, trainingSamplesOf } from '../../../lib/learning/trainingSet.ts';
import { createPortableBadasScorer } from '../badasScorer.ts';
import { BADAS_FEATURE_COUNT } from '../features.ts';
import { readBadasModel } from '../modelFile.ts';
import { TRAIN_SET } from './datasets.ts';
import { averagePrecision, horizonClips } from './evaluate.ts';
import { simulateFleetUploads } from './fleetUploads.ts';
import { fleetDrives } from './fleetWorld.ts';
import { apClips, apOn, learningCurve } from './learningCurve.ts';
import { featureStats, foldStandardisation, trainMlp } from './mlp.ts';
import { mlpFromOnnx } from './mlpFromOnnx.ts';
import { replayOf } from './trainingRound.ts';
import { mlpBadasScorer, scenariosOf, scoreDrives, TRAIN_OPTIONS, trainingSamples } from './trainRecipe.ts';

const bytes = readBadasModel();
const current = mlpFromOnnx(bytes);

describe('learning from the fleet', () => {
  it('scores prepared clips exactly as full scoring does', () => {
    const drives = fleetDrives({ seed: 'clips-test', count: 60 });
    const full = horizonClips(scoreDrives(drives, current), 1, 'clip-seed');
    expect(apOn(current, apClips(drives, 1, 'clip-seed'))).toBe(averagePrecision(full.model, full.labels));
  });

  it('learns from network samples: a model that knows little gains AP on held-out fleet-world drives with more of them', () => {
    // A deliberately weak start (one epoch on 30 synthetic drives), so that a few hundred samples
    // carry measurable information at a test's size; the full-size curve is `dashnet train --curve`.
    const small = trainingSamples(scenariosOf({ ...TRAIN_SET, seed: 'curve-test-small', count: 30 }));
    const { mean, sd } = featureStats(small.xs);
    const standardised = small.xs.map((x) => Float32Array.from(x, (v, i) => (v - mean[i]!) / sd[i]!));
    const weak = foldStandardisation(
      trainMlp(standardised, small.ys, { ...TRAIN_OPTIONS, epochs: 1 }),
      mean,
      sd,
    );
    const uploads = simulateFleetUploads(
      fleetDrives({ seed: 'curve-test', count: 240 }),
      mlpBadasScorer(weak, 'weak', createPortableBadasScorer(bytes).operatingPoint),
    );
    const set = gatherTrainingSet(uploads.flatMap(trainingSamplesOf), { featureCount: BADAS_FEATURE_COUNT });
    const curve = learningCurve({
      current: weak,
      replay: replayOf(small),
      network: set.samples,
      clips: { fleet: apClips(fleetDrives({ seed: 'curve-test-heldout', count: 200 }), 1, 'curve-test') },
      sizes: [0, 300, set.samples.length],
      seeds: ['a'],
    });
    const ap = curve.map((p) => p.ap.fleet!.mean);
    expect(set.samples.length).toBeGreaterThan(500);
    expect(ap[1]!).toBeGreaterThan(ap[0]!);
    expect(ap[2]!).toBeGreaterThan(ap[1]!);
    expect(ap[2]! - ap[0]!).toBeGreaterThan(0.03);
  });
});
