/** One active hazard as the camera keeps it: only what warning a driver needs. */
export interface CachedHazard {
  id: string;
  kind: string;
  lat: number;
  lng: number;
  /** Direction of travel affected, degrees; absent: the hazard affects both directions. */
  headingDeg?: number;
  confidence: number;
}

/**
 * Parses the body of `GET /v1/hazards` (a GeoJSON FeatureCollection, contract §2) into
 * {@link CachedHazard}s, keeping active ones only: a feature with `clearedAt` is dropped, since
 * warning about a cleared hazard teaches drivers to ignore warnings. Hand-written rather than a
 * schema library: zod must stay out of the camera bundle. Malformed features are skipped one by
 * one (a newer server may add kinds or fields); a body that is not a FeatureCollection at all
 * gives `undefined`, so the caller keeps its last good data.
 */
export function parseHazards(body: string): CachedHazard[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return undefined;
  const out: CachedHazard[] = [];
  for (const f of doc.features) {
    const h = parseFeature(f);
    if (h) out.push(h);
  }
  return out;
}

function parseFeature(f: unknown): CachedHazard | undefined {
  if (!isRecord(f) || !isRecord(f.geometry) || !isRecord(f.properties)) return undefined;
  const coords = f.geometry.coordinates;
  if (f.geometry.type !== 'Point' || !Array.isArray(coords)) return undefined;
  const [lng, lat] = coords as unknown[];
  if (!isNumber(lat) || !isNumber(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  const p = f.properties;
  if (typeof p.id !== 'string' || typeof p.kind !== 'string') return undefined;
  if (p.clearedAt !== undefined && p.clearedAt !== null) return undefined;
  const h: CachedHazard = {
    id: p.id,
    kind: p.kind,
    lat,
    lng,
    confidence: isNumber(p.confidence) ? p.confidence : 0,
  };
  if (isNumber(p.heading)) h.headingDeg = ((p.heading % 360) + 360) % 360;
  return h;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
