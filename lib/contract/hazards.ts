import { z } from 'zod';

/** Kinds of hazard the network raises. */
export const HAZARD_KINDS = ['slowdown_or_obstruction', 'pothole', 'debris', 'near_miss'] as const;
export type HazardKind = (typeof HAZARD_KINDS)[number];

/** Properties of one hazard Feature in `GET /v1/hazards` (contract §2, drivers' apps). */
export interface HazardProperties {
  id: string;
  kind: HazardKind;
  firstSeen: string;
  lastSeen: string;
  clearedAt?: string;
  cameras: number;
  confidence: number;
  heading?: number;
  cell: string;
}

export interface HazardFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: HazardProperties;
}

export interface HazardCollection {
  type: 'FeatureCollection';
  features: HazardFeature[];
}

const num = z.coerce.number();
export const MAX_RADIUS_M = 50_000;

/** Query of `GET /v1/hazards`: either a point and radius, or a bounding box. */
export const hazardsQuerySchema = z.union([
  z.object({
    lat: num.pipe(z.number().min(-90).max(90)),
    lng: num.pipe(z.number().min(-180).max(180)),
    radiusM: num.pipe(z.number().positive().max(MAX_RADIUS_M)).default(5000),
    at: z.iso.datetime().optional(),
  }),
  z.object({
    bbox: z.string(),
    at: z.iso.datetime().optional(),
  }),
]);
