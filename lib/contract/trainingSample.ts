/**
 * Constants of the `training_sample` event (a compatible extension of contract v1,
 * docs/badas-learning.md), kept apart from the zod schemas in `events.ts` so the camera bundle
 * can use them without pulling zod in.
 */

/**
 * Scale of the quantised feature windows: each feature travels as `round(value × scale)`, an
 * integer. 0.01 is far below the features' own noise (they are summaries of noisy monocular
 * ranges), and integers keep the JSON short.
 */
export const TRAINING_SAMPLE_FEATURE_SCALE = 100;

/** Largest quantised magnitude `training_sample.features` accepts. */
export const TRAINING_SAMPLE_MAX_QUANTISED = 100_000;

/** H3 resolution of `training_sample.cell`: ~5 km² hexagons (a district), the coarsest place a sample says. */
export const TRAINING_CELL_RESOLUTION = 7;

/** Why a camera kept a feature window: the warning was raised, a near miss followed, or a random draw. */
export const TRAINING_SAMPLE_TRIGGERS = ['alert', 'near_miss', 'random'] as const;
