import type { NetworkSample } from '../../../lib/learning/trainingSet.ts';
import { BadasFeatureWindow } from '../features.ts';
import { averagePrecision, horizonClips, type ScoredScenario } from './evaluate.ts';
import type { Mlp } from './mlp.ts';
import type { Scenario } from './scenarios.ts';
import { FINE_TUNE_OPTIONS, fineTune, networkSubset } from './trainingRound.ts';
import { type LabelledSamples, mlpScorer } from './trainRecipe.ts';

/**
 * The AP clips of held-out drives (`horizonClips`: one positive per conflict ending `horizonS`
 * before it, as many negatives from conflict-free drives) as feature vectors, computed once:
 * scoring a model on them is then a few hundred forward passes instead of a pass over every
 * frame, and gives exactly the AP `horizonClips` gives with full scoring (same clips, same seed).
 */
export interface ApClips {
  xs: Float32Array[];
  labels: (0 | 1)[];
}

/** Builds {@link ApClips} of `scenarios` at `horizonS` with the clip seed `seed`. */
export function apClips(scenarios: readonly Scenario[], horizonS: number, seed: string): ApClips {
  // Which frames the clips end on does not depend on the scores, so "score" every frame with
  // its own index (and the drive's index as the baseline) and read the clips' positions back.
  const indexed: ScoredScenario[] = scenarios.map((s, d) => ({
    scenario: s,
    model: Float32Array.from(s.frames, (_, i) => i),
    baseline: new Float32Array(s.frames.length).fill(d),
  }));
  const clips = horizonClips(indexed, horizonS, seed);
  const wanted = new Map<number, number[]>();
  clips.model.forEach((_frame, k) => {
    const d = clips.baseline[k]!;
    wanted.set(d, [...(wanted.get(d) ?? []), k]);
  });
  const xs: Float32Array[] = new Array(clips.labels.length);
  for (const [d, ks] of wanted) {
    const s = scenarios[d]!;
    const last = Math.max(...ks.map((k) => clips.model[k]!));
    const w = new BadasFeatureWindow();
    const features: Float32Array[] = [];
    for (let i = 0; i <= last; i++) features.push(w.push(s.frames[i]!));
    for (const k of ks) xs[k] = features[clips.model[k]!]!;
  }
  return { xs, labels: clips.labels };
}

/** AP of a (folded) network on prepared clips. */
export function apOn(net: Mlp, clips: ApClips): number {
  const score = mlpScorer(net);
  return averagePrecision(
    clips.xs.map((x) => score(x)),
    clips.labels,
  );
}

/** One point of the curve: the network samples used and the AP (mean and spread over seeds) on each held-out set. */
export interface CurvePoint {
  samples: number;
  /** Per held-out set: mean AP over seeds, and the smallest and largest. */
  ap: Record<string, { mean: number; min: number; max: number }>;
}

/** What {@link learningCurve} needs. */
export interface CurveInput {
  current: Mlp;
  replay: LabelledSamples;
  network: readonly NetworkSample[];
  /** Held-out clip sets by name, e.g. `fleet` and `heldout`. */
  clips: Record<string, ApClips>;
  /** Amounts of network data (samples); those above what was gathered are capped to it. */
  sizes: readonly number[];
  /** One round per seed and size; the seed picks the subset and the shuffle. */
  seeds: readonly string[];
}

/**
 * AP against the amount of network data: for each size, a round (fine-tune of the current model
 * on the replay plus that many network samples, nested subsets) per seed, scored on held-out
 * clips no round trained on. Size 0 is the same round without network data: the baseline
 * each point is held against.
 */
export function learningCurve(input: CurveInput): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const size of input.sizes) {
    const per: Record<string, number[]> = {};
    let used = 0;
    for (const seed of input.seeds) {
      const subset = networkSubset(input.network, size, seed);
      used = subset.length;
      const net = fineTune(input.current, input.replay, subset, {
        ...FINE_TUNE_OPTIONS,
        seed: `${FINE_TUNE_OPTIONS.seed}:${seed}`,
      });
      for (const [name, clips] of Object.entries(input.clips)) {
        const list = per[name] ?? [];
        list.push(apOn(net, clips));
        per[name] = list;
      }
    }
    const ap: CurvePoint['ap'] = {};
    for (const [name, xs] of Object.entries(per))
      ap[name] = {
        mean: xs.reduce((a, v) => a + v, 0) / xs.length,
        min: Math.min(...xs),
        max: Math.max(...xs),
      };
    out.push({ samples: used, ap });
  }
  return out;
}
