import type { HazardCollection, HazardFeature } from '../contract/hazards.ts';
import { isoOf } from '../time/isoTime.ts';
import { effectiveClearedAtMs, type HazardRecord } from './hazardRecord.ts';
import { sectorHeading } from './headingSector.ts';

/**
 * A hazard as the contract's GeoJSON Feature. `clearedAt` appears once the hazard is cleared
 * as of `nowMs` (recorded, or implied by no evidence for the kind's staleness period).
 */
export function hazardFeature(h: HazardRecord, nowMs: number): HazardFeature {
  const clearedAtMs = effectiveClearedAtMs(h);
  const heading = sectorHeading(h.sector);
  return {
    type: 'Feature',
    id: h.id,
    geometry: { type: 'Point', coordinates: [round6(h.lng), round6(h.lat)] },
    properties: {
      id: h.id,
      kind: h.kind,
      firstSeen: isoOf(h.firstSeenMs),
      lastSeen: isoOf(h.lastSeenMs),
      ...(clearedAtMs <= nowMs ? { clearedAt: isoOf(clearedAtMs) } : {}),
      cameras: h.cameras,
      confidence: h.confidence,
      ...(heading === undefined ? {} : { heading }),
      cell: h.cell,
    },
  };
}

/** A FeatureCollection of hazards, newest first. */
export function hazardCollection(hazards: readonly HazardRecord[], nowMs: number): HazardCollection {
  const sorted = [...hazards].sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.id.localeCompare(b.id));
  return { type: 'FeatureCollection', features: sorted.map((h) => hazardFeature(h, nowMs)) };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
