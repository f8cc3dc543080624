import { getResolution, isValidCell } from 'h3-js';
import { z } from 'zod';
import { PATH_CELL_RESOLUTION } from '../geo/pathCellResolution.ts';
import {
  h3CellSchema,
  headingSchema,
  latitudeSchema,
  longitudeSchema,
  speedMpsSchema,
  timestampSchema,
  unitIntervalSchema,
  uuidSchema,
} from './primitives.ts';
import {
  TRAINING_SAMPLE_FEATURE_SCALE,
  TRAINING_SAMPLE_MAX_QUANTISED,
  TRAINING_SAMPLE_TRIGGERS,
} from './trainingSample.ts';

const common = {
  id: uuidSchema,
  ts: timestampSchema,
  lat: latitudeSchema,
  lng: longitudeSchema,
  heading: headingSchema.optional(),
  speedMps: speedMpsSchema.optional(),
};

/** A hard brake: `decelMps2` is the positive magnitude of the longitudinal deceleration. */
export const hardBrakeSchema = z.object({
  ...common,
  type: z.literal('hard_brake'),
  decelMps2: z.number().positive().max(30),
});

export const hardCornerSchema = z.object({
  ...common,
  type: z.literal('hard_corner'),
  lateralAccelMps2: z.number().min(-30).max(30),
});

export const roadAnomalySchema = z.object({
  ...common,
  type: z.literal('road_anomaly'),
  kind: z.enum(['pothole', 'bump', 'debris']),
  severity: unitIntervalSchema,
});

export const nearMissSchema = z.object({
  ...common,
  type: z.literal('near_miss'),
  ttcS: z.number().min(0).max(60),
  badasScore: unitIntervalSchema,
});

export const badasAlertSchema = z.object({
  ...common,
  type: z.literal('badas_alert'),
  score: unitIntervalSchema,
  modelVersion: z.string().min(1).max(64),
});

export const tripPathEntrySchema = z.object({
  // A res-10 cell (contract): another resolution is a valid index that no aggregate can use.
  cell: h3CellSchema.refine(
    (c) => isValidCell(c) && getResolution(c) === PATH_CELL_RESOLUTION,
    `an H3 resolution-${PATH_CELL_RESOLUTION} cell`,
  ),
  ts: timestampSchema,
  speedMps: speedMpsSchema,
  heading: headingSchema,
});

export const tripSchema = z.object({
  ...common,
  type: z.literal('trip'),
  tripId: uuidSchema,
  seq: z.number().int().min(0),
  final: z.boolean(),
  path: z.array(tripPathEntrySchema).max(5000),
  distanceM: z.number().min(0),
});

export const nightSceneSchema = z.object({
  ...common,
  type: z.literal('night_scene'),
  meanLuma: z.number().min(0).max(255),
  // Bounded by what a sensor can report (8-bit DN, an exposure, an analogue gain): an absurd
  // value is refused here rather than accepted and then unstorable (DynamoDB numbers stop at 1e126).
  noiseSigma: z.number().min(0).max(255),
  exposureMs: z.number().min(0).max(10_000),
  gain: z.number().min(0).max(1000),
  // `#` separates the parts of the cloud's calibration group keys: refused.
  cameraModel: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^#]+$/, 'no #'),
  firmware: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^#]+$/, 'no #'),
});

/**
 * A labelled BADAS input window for the next training round (compatible extension of contract
 * v1, docs/badas-learning.md). It says nothing exact about where or when: `cell` is the H3
 * res-7 cell (~5 km²), `lat`/`lng` that cell's centre, `ts` floored to the UTC hour, and `id`
 * is a fresh random UUID (for deduplication only, linked to nothing).
 */
export const trainingSampleSchema = z.object({
  ...common,
  type: z.literal('training_sample'),
  /** H3 res-7 cell of the window. */
  cell: h3CellSchema,
  /** What made the camera keep it. */
  trigger: z.enum(TRAINING_SAMPLE_TRIGGERS),
  /** 1 when a conflict (TTC < 1.5 s or a collision, as the camera measured it) started within 3 s of the window's end. */
  label: z.union([z.literal(0), z.literal(1)]),
  /** The model's input window, each feature × {@link TRAINING_SAMPLE_FEATURE_SCALE}, rounded. */
  features: z
    .array(z.number().int().min(-TRAINING_SAMPLE_MAX_QUANTISED).max(TRAINING_SAMPLE_MAX_QUANTISED))
    .min(1)
    .max(64),
  /** The deployed model's score of the window. */
  score: unitIntervalSchema,
  modelVersion: z.string().min(1).max(64),
  /** Probability with which a window of this trigger was kept (1 for alerts and near misses). */
  keptShare: z.number().gt(0).max(1),
});

/** Every event type of contract v1, discriminated by `type`. */
export const eventSchema = z.discriminatedUnion('type', [
  hardBrakeSchema,
  hardCornerSchema,
  roadAnomalySchema,
  nearMissSchema,
  badasAlertSchema,
  tripSchema,
  nightSceneSchema,
  trainingSampleSchema,
]);

export type TelemetryEvent = z.infer<typeof eventSchema>;
export type EventType = TelemetryEvent['type'];
export type HardBrakeEvent = z.infer<typeof hardBrakeSchema>;
export type TripEvent = z.infer<typeof tripSchema>;
export type TripPathEntry = z.infer<typeof tripPathEntrySchema>;
export type RoadAnomalyEvent = z.infer<typeof roadAnomalySchema>;
export type NearMissEvent = z.infer<typeof nearMissSchema>;
export type TrainingSampleEvent = z.infer<typeof trainingSampleSchema>;

export const EVENT_TYPES: readonly EventType[] = [
  'hard_brake',
  'hard_corner',
  'road_anomaly',
  'near_miss',
  'badas_alert',
  'trip',
  'night_scene',
  'training_sample',
];
