import { z } from 'zod';
import { MAX_RADIUS_M } from '../../lib/contract/hazards.ts';
import { type BBox, bboxAround, bboxContains, bboxSchema } from '../../lib/geo/bbox.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { hazardCollection } from '../../lib/hazards/hazardFeature.ts';
import { type HazardArea, hazardsActiveAt, hazardsFirstSeenIn } from '../../lib/hazards/hazardQuery.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { badRequest, type HttpEvent, httpHandler, json, parseWith } from './httpKit.ts';

const num = (min: number, max: number) => z.coerce.number().pipe(z.number().min(min).max(max));
const timeSchema = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const nearSchema = z.object({
  lat: num(-90, 90),
  lng: num(-180, 180),
  radiusM: z.coerce.number().pipe(z.number().positive().max(MAX_RADIUS_M)).default(5000),
  at: timeSchema.optional(),
});
const bboxQuerySchema = z.object({ bbox: bboxSchema, at: timeSchema.optional() });
const historySchema = z
  .object({ bbox: bboxSchema, from: timeSchema, to: timeSchema })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => q.to - q.from <= 366 * 24 * 3600_000, {
    message: 'interval longer than a year',
    path: ['to'],
  });

/** Largest box a query may cover: beyond ~1°×1° an app should zoom in (it covers ~100 km). */
const MAX_BBOX_DEG = 1.0;

/** Parses `lat,lng,radiusM` or `bbox` into a box to cover and an exact filter. */
export function parseArea(query: Record<string, string | undefined>): { area: HazardArea; atMs?: number } {
  if (query.bbox !== undefined) {
    const q = parseWith(bboxQuerySchema, query, 'hazards query');
    checkBoxSize(q.bbox);
    return {
      area: { box: q.bbox, keep: (h) => bboxContains(q.bbox, h.lat, h.lng) },
      ...(q.at ? { atMs: q.at } : {}),
    };
  }
  if (query.lat === undefined && query.lng === undefined) {
    throw badRequest('give either lat, lng (and radiusM) or bbox', [
      { path: '/bbox', message: 'required when lat/lng are absent' },
    ]);
  }
  const q = parseWith(nearSchema, query, 'hazards query');
  return {
    area: {
      box: bboxAround(q.lat, q.lng, q.radiusM),
      keep: (h) => haversineM(q.lat, q.lng, h.lat, h.lng) <= q.radiusM,
    },
    ...(q.at ? { atMs: q.at } : {}),
  };
}

function checkBoxSize(b: BBox): void {
  if (b.maxLng - b.minLng > MAX_BBOX_DEG || b.maxLat - b.minLat > MAX_BBOX_DEG) {
    throw badRequest(`bbox larger than ${MAX_BBOX_DEG}° on a side`, [
      { path: '/bbox', message: 'too large' },
    ]);
  }
}

const query = (event: HttpEvent) => event.queryStringParameters ?? {};

/** `GET /v1/hazards`: active hazards near a point or in a box, now or `at` a past time. */
export function createHazardsHandler(deps: Pick<AppDeps, 'hazards' | 'clock'>) {
  return httpHandler(async (event) => {
    const nowMs = deps.clock();
    const { area, atMs } = parseArea(query(event));
    const hazards = await hazardsActiveAt(deps.hazards, area, atMs ?? nowMs, nowMs);
    // Apps poll by area: a short shared cache absorbs the polling without hiding a new hazard long.
    return json(200, hazardCollection(hazards, atMs ?? nowMs), {
      'cache-control': atMs ? 'public, max-age=300' : 'public, max-age=15, stale-while-revalidate=15',
      'content-type': 'application/geo+json',
    });
  });
}

/** `GET /v1/hazards/history`: every hazard first seen in the interval. */
export function createHazardHistoryHandler(deps: Pick<AppDeps, 'hazards' | 'clock'>) {
  return httpHandler(async (event) => {
    const nowMs = deps.clock();
    const q = parseWith(historySchema, query(event), 'history query');
    checkBoxSize(q.bbox);
    const hazards = await hazardsFirstSeenIn(deps.hazards, q.bbox, q.from, q.to, nowMs);
    return json(200, hazardCollection(hazards, nowMs), {
      'cache-control': 'public, max-age=60',
      'content-type': 'application/geo+json',
    });
  });
}

export const handler = lambdaEntry(createHazardsHandler, 'hazards');
export const historyHandler = lambdaEntry(createHazardHistoryHandler, 'hazardHistory');
