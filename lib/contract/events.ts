import { z } from 'zod';
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
  cell: h3CellSchema,
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
  noiseSigma: z.number().min(0),
  exposureMs: z.number().min(0),
  gain: z.number().min(0),
  cameraModel: z.string().min(1).max(64),
  firmware: z.string().min(1).max(64),
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
]);

export type TelemetryEvent = z.infer<typeof eventSchema>;
export type EventType = TelemetryEvent['type'];
export type HardBrakeEvent = z.infer<typeof hardBrakeSchema>;
export type TripEvent = z.infer<typeof tripSchema>;
export type TripPathEntry = z.infer<typeof tripPathEntrySchema>;
export type RoadAnomalyEvent = z.infer<typeof roadAnomalySchema>;
export type NearMissEvent = z.infer<typeof nearMissSchema>;

export const EVENT_TYPES: readonly EventType[] = [
  'hard_brake',
  'hard_corner',
  'road_anomaly',
  'near_miss',
  'badas_alert',
  'trip',
  'night_scene',
];
