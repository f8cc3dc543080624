/**
 * Learning from the fleet end to end, in simulation: the fleet drives the wider world with the
 * deployed model, its cameras upload labelled windows, the cloud gathers them k-anonymously,
 * and rounds of training turn them into candidates — a learning curve, and optionally one full
 * round through the ship gate. What `dashnet train` and the `learning` bench run.
 *
 * Node-only; never imported by the camera bundle.
 */
import {
  type GatheredTrainingSet,
  gatherTrainingSet,
  trainingSamplesOf,
} from '../../../lib/learning/trainingSet.ts';
import { type BadasOperatingPoint, createPortableBadasScorer } from '../badasScorer.ts';
import { BADAS_FEATURE_COUNT } from '../features.ts';
import { HELD_OUT_SETS, type ScenarioSetSpec, TRAIN_SET, VALIDATION_SETS } from './datasets.ts';
import { DEFAULT_FLEET_LAYOUT, simulateFleetUploads } from './fleetUploads.ts';
import { FLEET_HELD_OUT_SETS, type FleetSetSpec, fleetDrives } from './fleetWorld.ts';
import { type ApClips, apClips, apOn, type CurvePoint, learningCurve } from './learningCurve.ts';
import { mlpFromOnnx } from './mlpFromOnnx.ts';
import { DEFAULT_SHIP_GATE, type ShipGateOptions } from './shipGate.ts';
import { REPLAY_STRIDE, replayOf, runTrainingRound, type TrainingRoundResult } from './trainingRound.ts';
import { mlpBadasScorer, scenariosOf, trainingSamples } from './trainRecipe.ts';

/** What to run. */
export interface FleetLearningConfig {
  /** The deployed model's `.onnx` bytes (its weights, version and operating point). */
  currentModel: Uint8Array;
  /** Fleet drives whose uploads are gathered (seed `fleet-uploads-v1`). */
  fleetDrives: number;
  /** k of the gathering (distinct cameras per cell and day). */
  k: number;
  /** The synthetic set the replay comes from, and every how many of its samples is replayed. */
  base: ScenarioSetSpec;
  replayStride: number;
  /** Held-out drives: the standard held-out sets and the fleet world's. */
  heldOut: ScenarioSetSpec[];
  heldOutFleet: FleetSetSpec[];
  curve?: { sizes: number[]; seeds: string[] };
  /** One full round through the ship gate. */
  round?: {
    validation: ScenarioSetSpec[];
    version: string;
    keyId: string;
    createdAt: string;
    gate?: ShipGateOptions;
  };
  log?: (line: string) => void;
}

/** The full-size configuration (`dashnet train`): every held-out drive, the validation sets, 3,000 fleet drives. */
export const FULL_FLEET_LEARNING: Omit<FleetLearningConfig, 'currentModel'> = {
  fleetDrives: 3000,
  k: 5,
  base: TRAIN_SET,
  replayStride: REPLAY_STRIDE,
  heldOut: HELD_OUT_SETS,
  heldOutFleet: FLEET_HELD_OUT_SETS,
  curve: { sizes: [0, 100, 300, 1000, 3000, 10_000], seeds: ['a', 'b', 'c'] },
  round: {
    validation: VALIDATION_SETS,
    version: '1.2.0',
    keyId: '0000000000000000',
    createdAt: '2026-01-01T00:00:00.000Z',
    gate: DEFAULT_SHIP_GATE,
  },
};

/** The round's candidate beside the current model on each held-out set. */
export interface HeldOutAp {
  name: string;
  drives: number;
  positives: number;
  current: number;
  candidate?: number;
}

/** Everything a run measured. */
export interface FleetLearningResult {
  gathered: Pick<GatheredTrainingSet, 'withheldSamples' | 'duplicates' | 'malformed'> & {
    samples: number;
    positives: number;
    byTrigger: Record<string, number>;
    groups: number;
    admittedGroups: number;
    records: number;
  };
  currentVersion: string;
  currentPoint: BadasOperatingPoint;
  curve: CurvePoint[];
  heldOutAp: HeldOutAp[];
  round?: TrainingRoundResult;
  seconds: number;
}

/** Runs the simulation: uploads, gathering, curve, round. Deterministic for a configuration. */
export function runFleetLearning(config: FleetLearningConfig): FleetLearningResult {
  const t0 = performance.now();
  const log = config.log ?? (() => {});
  const lap = (what: string) => log(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const scorer = createPortableBadasScorer(config.currentModel);
  const current = mlpFromOnnx(config.currentModel);

  const uploadDrives = fleetDrives({ seed: 'fleet-uploads-v1', count: config.fleetDrives });
  // The fleet runs the deployed network; scored here without the `.onnx` interpreter (same arithmetic, faster).
  const fleetScorer = mlpBadasScorer(current, scorer.modelVersion, scorer.operatingPoint);
  const records = simulateFleetUploads(uploadDrives, fleetScorer, DEFAULT_FLEET_LAYOUT);
  const set = gatherTrainingSet(records.flatMap(trainingSamplesOf), {
    k: config.k,
    featureCount: BADAS_FEATURE_COUNT,
  });
  const byTrigger: Record<string, number> = {};
  for (const s of set.samples) byTrigger[s.trigger] = (byTrigger[s.trigger] ?? 0) + 1;
  lap(
    `fleet: ${uploadDrives.length} drives, ${records.length} records, ${set.samples.length} samples admitted`,
  );

  const replay = replayOf(trainingSamples(scenariosOf(config.base)), config.replayStride);
  lap(`replay: ${replay.xs.length} synthetic samples`);

  const heldStd = config.heldOut.flatMap(scenariosOf);
  const heldFleet = config.heldOutFleet.flatMap((s) => fleetDrives(s));
  const clips: Record<string, ApClips> = {
    fleet: apClips(heldFleet, 1, 'fleet-heldout-ap'),
    heldout: apClips(heldStd, 1, 'heldout-ap'),
  };
  lap('held-out clips');

  const curve = config.curve
    ? learningCurve({
        current,
        replay,
        network: set.samples,
        clips,
        sizes: config.curve.sizes,
        seeds: config.curve.seeds,
      })
    : [];
  if (config.curve) lap('learning curve');

  let round: TrainingRoundResult | undefined;
  if (config.round) {
    round = runTrainingRound({
      current: { net: current, point: scorer.operatingPoint, version: scorer.modelVersion },
      replay,
      network: set.samples,
      validation: config.round.validation.flatMap(scenariosOf),
      heldOut: [...heldStd, ...heldFleet],
      version: config.round.version,
      keyId: config.round.keyId,
      createdAt: config.round.createdAt,
      ...(config.round.gate ? { gate: config.round.gate } : {}),
    });
    lap(`round: ${round.decision.ships ? 'ships' : 'does not ship'}`);
  }
  const heldOutAp: HeldOutAp[] = [
    { name: 'fleet', drives: heldFleet.length, clips: clips.fleet! },
    { name: 'heldout', drives: heldStd.length, clips: clips.heldout! },
  ].map(({ name, drives, clips: c }) => ({
    name,
    drives,
    positives: c.labels.filter((l) => l === 1).length,
    current: apOn(current, c),
    ...(round ? { candidate: apOn(round.net, c) } : {}),
  }));
  return {
    gathered: {
      samples: set.samples.length,
      positives: set.samples.reduce((a, s) => a + s.label, 0),
      byTrigger,
      groups: set.groups.length,
      admittedGroups: set.groups.filter((g) => g.admitted).length,
      records: records.length,
      withheldSamples: set.withheldSamples,
      duplicates: set.duplicates,
      malformed: set.malformed,
    },
    currentVersion: scorer.modelVersion,
    currentPoint: scorer.operatingPoint,
    curve,
    heldOutAp,
    ...(round ? { round } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}
