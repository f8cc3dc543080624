/**
 * A training round from fleet data: fine-tune the deployed model on a replay of the synthetic
 * training set plus the network's k-anonymous samples, choose the candidate's operating point on
 * validation drives, judge it against the deployed model on held-out drives (the ship gate), and
 * describe it in the signed-artefact manifest with the gate's decision in its provenance.
 *
 * Node-only (onnx export); never imported by the camera bundle.
 */
import type { ArtefactManifest } from '../../../lib/contract/artefact.ts';
import { sha256Hex } from '../../../lib/contract/artefact.ts';
import type { NetworkSample } from '../../../lib/learning/trainingSet.ts';
import { createSeededRandom } from '../../core/random.ts';
import type { BadasOperatingPoint } from '../badasScorer.ts';
import type { ScoredScenario } from './evaluate.ts';
import { type Mlp, type TrainOptions, trainMlp } from './mlp.ts';
import type { Scenario } from './scenarios.ts';
import { DEFAULT_SHIP_GATE, type ShipDecision, type ShipGateOptions, shipGate } from './shipGate.ts';
import {
  chooseOperatingPoint,
  exportBadasModel,
  type LabelledSamples,
  scoreDrives,
  TRAIN_OPTIONS,
} from './trainRecipe.ts';

/**
 * Fine-tuning settings: the shipped model's fit, three epochs at a third of its learning rate.
 * Why fine-tune rather than retrain: the network adds a few thousand windows to half a million
 * synthetic ones, and a round should cost seconds on a build machine; starting from the deployed
 * weights keeps what the synthetic world taught, the replay keeps it from being forgotten, and
 * the network's windows move it toward the world the fleet drives.
 */
export const FINE_TUNE_OPTIONS: TrainOptions = {
  ...TRAIN_OPTIONS,
  epochs: 3,
  learningRate: 1e-3,
  seed: 'badas-fleet-round',
};

/**
 * Every how many synthetic training samples one is replayed in a round (≈ 47 k of 467 k). The
 * replay keeps the synthetic world from being forgotten; a larger one drowns the network's
 * samples (measured: with a 1-in-3 replay, 11 k network samples moved held-out AP by < 0.001).
 */
export const REPLAY_STRIDE = 10;

/** The replay: every `stride`-th synthetic sample, so the round sees the synthetic world too. */
export function replayOf(base: LabelledSamples, stride = REPLAY_STRIDE): LabelledSamples {
  return { xs: base.xs.filter((_, i) => i % stride === 0), ys: base.ys.filter((_, i) => i % stride === 0) };
}

/**
 * The first `count` network samples in a seeded order: a learning curve's subsets are nested
 * (the 1,000 include the 300), so the curve measures more data, not other data.
 */
export function networkSubset(
  samples: readonly NetworkSample[],
  count: number,
  seed: string,
): NetworkSample[] {
  const r = createSeededRandom(seed);
  const order = samples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, Math.min(count, order.length)).map((i) => samples[i]!);
}

/** Fine-tunes `current` (folded: raw features in) on the replay plus the network samples. */
export function fineTune(
  current: Mlp,
  replay: LabelledSamples,
  network: readonly NetworkSample[],
  options: TrainOptions = FINE_TUNE_OPTIONS,
): Mlp {
  const xs = [...replay.xs, ...network.map((s) => s.features)];
  const ys = [...replay.ys, ...network.map((s) => s.label)];
  return trainMlp(xs, ys, options, undefined, current);
}

/** What a round needs besides the data. */
export interface TrainingRoundInput {
  /** The deployed model's network (from its `.onnx`, `mlpFromOnnx`) and operating point. */
  current: { net: Mlp; point: BadasOperatingPoint; version: string };
  replay: LabelledSamples;
  network: readonly NetworkSample[];
  /** Drives the operating point is chosen on (never the gate's). */
  validation: readonly Scenario[];
  /** Drives the gate judges on: neither model trained or was tuned on them. */
  heldOut: readonly Scenario[];
  /** Semantic version of the candidate, e.g. `1.2.0`. */
  version: string;
  /** Release key id (`keyIdOf`) that will sign the manifest. */
  keyId: string;
  /** RFC 3339. */
  createdAt: string;
  options?: TrainOptions;
  gate?: ShipGateOptions;
}

/** A round's result: the candidate, its manifest (unsigned), and the gate's decision. */
export interface TrainingRoundResult {
  net: Mlp;
  bytes: Uint8Array;
  point: BadasOperatingPoint;
  pointNote: string;
  decision: ShipDecision;
  manifest: ArtefactManifest;
}

/** Name of the BADAS model in the artefact registry. */
export const BADAS_ARTEFACT_NAME = 'badas-anticipation';

/** Runs one round: fine-tune, operating point on validation, gate on held-out, manifest. */
export function runTrainingRound(input: TrainingRoundInput): TrainingRoundResult {
  const net = fineTune(input.current.net, input.replay, input.network, input.options);
  const { point, note } = chooseOperatingPoint(scoreDrives(input.validation, net));
  const currentScored = scoreDrives(input.heldOut, input.current.net);
  const candidateScored: ScoredScenario[] = scoreDrives(input.heldOut, net);
  const decision = shipGate(
    currentScored,
    candidateScored,
    { current: input.current.point, candidate: point },
    input.gate ?? DEFAULT_SHIP_GATE,
  );
  const modelVersion = `${BADAS_ARTEFACT_NAME}-${input.version}`;
  const bytes = exportBadasModel(net, modelVersion, point);
  const positives = input.network.reduce((a, s) => a + s.label, 0);
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const manifest: ArtefactManifest = {
    schema: 1,
    kind: 'model',
    name: BADAS_ARTEFACT_NAME,
    version: input.version,
    sha256: sha256Hex(bytes),
    size: bytes.length,
    compatibility: { cameraModels: ['*'] },
    provenance: {
      base: input.current.version,
      recipe: `fine-tuned ${FINE_TUNE_OPTIONS.epochs} epochs from the base on a replay of the synthetic training set plus k-anonymous network samples`,
      replaySamples: input.replay.xs.length,
      networkSamples: input.network.length,
      networkPositives: positives,
      operatingPoint: JSON.stringify(point),
      operatingPointNote: note,
      gateShips: decision.ships,
      gateReason: decision.reason,
      gateDrives: decision.drives,
      gatePositives: decision.positives,
      gateNormalHours: r4(decision.normalHours),
      gateApCurrent: r4(decision.apAtHorizon.current),
      gateApCandidate: r4(decision.apAtHorizon.candidate),
      gateApDeltaLow: r4(decision.apAtHorizon.deltaLow),
      gateApDeltaHigh: r4(decision.apAtHorizon.deltaHigh),
      gateFalseAlarmsPerHCurrent: r4(decision.falseAlarmsPerH.current),
      gateFalseAlarmsPerHCandidate: r4(decision.falseAlarmsPerH.candidate),
    },
    createdAt: input.createdAt,
    keyId: input.keyId,
  };
  return { net, bytes, point, pointNote: note, decision, manifest };
}
