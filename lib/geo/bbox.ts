import { z } from 'zod';

/** A bounding box in WGS84 degrees, as the contract writes it: `minLng,minLat,maxLng,maxLat`. */
export interface BBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** Parses and checks the contract's `bbox` query parameter. */
export const bboxSchema = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be minLng,minLat,maxLng,maxLat' });
      return z.NEVER;
    }
    const [minLng, minLat, maxLng, maxLat] = parts as [number, number, number, number];
    return { minLng, minLat, maxLng, maxLat };
  })
  .refine((b) => b.minLng >= -180 && b.maxLng <= 180 && b.minLat >= -90 && b.maxLat <= 90, {
    message: 'bbox coordinates out of range',
  })
  .refine((b) => b.minLng < b.maxLng && b.minLat < b.maxLat, { message: 'bbox min must be below max' });

/** True when the point lies in the box (edges included). */
export function bboxContains(b: BBox, lat: number, lng: number): boolean {
  return lat >= b.minLat && lat <= b.maxLat && lng >= b.minLng && lng <= b.maxLng;
}

/** The box around a point with a radius, for covering a circle with cells. */
export function bboxAround(lat: number, lng: number, radiusM: number): BBox {
  const dLat = radiusM / 111_320;
  const dLng = radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return {
    minLat: Math.max(-90, lat - dLat),
    maxLat: Math.min(90, lat + dLat),
    minLng: Math.max(-180, lng - dLng),
    maxLng: Math.min(180, lng + dLng),
  };
}
