import type { TransportResponse } from '../../core/transport.ts';
import type { CachedHazard } from '../parseHazards.ts';

/** Metres per degree of latitude on the sphere `haversineM` uses, so test distances come out exact. */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** A point `north`/`east` metres from `origin` (flat-earth; fine within a few km). */
export function pointFrom(
  origin: { lat: number; lng: number },
  north: number,
  east: number,
): { lat: number; lng: number } {
  return {
    lat: origin.lat + north / M_PER_DEG,
    lng: origin.lng + east / (M_PER_DEG * Math.cos((origin.lat * Math.PI) / 180)),
  };
}

/** A hazard as the cache keeps it; override any field. */
export function hazardFixture(overrides: Partial<CachedHazard> = {}): CachedHazard {
  return {
    id: 'h1',
    kind: 'slowdown_or_obstruction',
    lat: 52.52,
    lng: 13.405,
    headingDeg: 90,
    confidence: 0.9,
    ...overrides,
  };
}

/** A `GET /v1/hazards` answer holding `hazards` (a `clearedAt` per id where given). */
export function hazardsResponse(
  hazards: CachedHazard[],
  opts: { clearedAt?: Record<string, string>; cacheControl?: string } = {},
): TransportResponse {
  const features = hazards.map((h) => ({
    type: 'Feature',
    id: h.id,
    geometry: { type: 'Point', coordinates: [h.lng, h.lat] },
    properties: {
      id: h.id,
      kind: h.kind,
      firstSeen: '2024-05-06T07:00:00.000Z',
      lastSeen: '2024-05-06T07:20:00.000Z',
      ...(opts.clearedAt?.[h.id] ? { clearedAt: opts.clearedAt[h.id] } : {}),
      cameras: 10,
      confidence: h.confidence,
      ...(h.headingDeg === undefined ? {} : { heading: h.headingDeg }),
      cell: '8a1f1d4a5b57fff',
    },
  }));
  return {
    status: 200,
    headers: {
      'content-type': 'application/geo+json',
      'cache-control': opts.cacheControl ?? 'public, max-age=15, stale-while-revalidate=15',
    },
    body: JSON.stringify({ type: 'FeatureCollection', features }),
  };
}
