import { type GenerateOptions, HELD_OUT_MIX, type ScenarioMix, TRAINING_MIX } from './scenarios.ts';

/** A named, seeded scenario set: the seed and mix make it reproducible anywhere. */
export interface ScenarioSetSpec {
  seed: string;
  count: number;
  mix: ScenarioMix;
  options?: GenerateOptions;
}

/** Mostly uneventful driving (with the occasional avoided hazard): false alarms are counted on its conflict-free drives. */
export const NORMAL_MIX: ScenarioMix = {
  following: 3,
  stop_and_go: 2,
  free_road: 3,
  cut_in: 1,
  stopped_ahead: 1,
  lead_brake: 1,
};

/** What the model is fitted on. */
export const TRAIN_SET: ScenarioSetSpec = { seed: 'badas-train-v1', count: 1500, mix: TRAINING_MIX };
/** Picks the operating point (threshold) — never the figures. */
export const VALIDATION_SETS: ScenarioSetSpec[] = [
  { seed: 'badas-val-v1', count: 400, mix: TRAINING_MIX },
  { seed: 'badas-val-normal-v1', count: 2400, mix: NORMAL_MIX },
];
/**
 * The bench's figures: seeds training never saw, a different mix with a kind training never
 * saw (`cut_in_brake`), and a third of the drives with harsher perception than any in training.
 */
export const HELD_OUT_SETS: ScenarioSetSpec[] = [
  { seed: 'badas-heldout-v1', count: 400, mix: HELD_OUT_MIX },
  { seed: 'badas-heldout-harsh-v1', count: 200, mix: HELD_OUT_MIX, options: { harshPerception: true } },
  { seed: 'badas-heldout-normal-v1', count: 1000, mix: NORMAL_MIX },
];
