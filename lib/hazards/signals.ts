import { latLngToCell } from 'h3-js';
import type { TelemetryEvent } from '../contract/events.ts';
import type { HazardKind } from '../contract/hazards.ts';
import { PATH_CELL_RESOLUTION } from '../geo/pathCellResolution.ts';
import { type EpochMinute, epochMinute } from '../time/epochMinute.ts';
import { HAZARD_KIND_TABLE, type HazardKindSpec } from './hazardKinds.ts';
import { type HeadingSector, headingSector } from './headingSector.ts';

/** Evidence kinds the live detector buckets. */
export const SIGNAL_KINDS = ['brake', 'pothole', 'debris', 'near_miss'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** What a bucket holds: cameras that gave a signal, or cameras that passed (exposure). */
export type BucketKind = SignalKind | 'pass';

/** The hazard a cluster of a signal raises, derived from the hazard-kind table. */
export const HAZARD_KIND_OF = Object.fromEntries(
  (Object.entries(HAZARD_KIND_TABLE) as [HazardKind, HazardKindSpec][]).map(([kind, spec]) => [
    spec.signal,
    kind,
  ]),
) as Record<SignalKind, HazardKind>;

/** One piece of live evidence: which signal, where, which way, when. */
export interface Signal {
  kind: BucketKind;
  cell: string;
  sector: HeadingSector;
  minute: EpochMinute;
  tsMs: number;
}

/**
 * The live evidence an event carries, or null. Speed bumps are built to be felt, so a `bump`
 * is no evidence of a hazard. A `near_miss` is evidence of a conflict point (and also feeds the
 * insurers' long-term hotspots); a `badas_alert` is not — the model warned, nothing happened.
 */
export function signalOf(event: TelemetryEvent): Signal | null {
  let kind: SignalKind;
  if (event.type === 'hard_brake') kind = 'brake';
  else if (event.type === 'road_anomaly' && event.kind !== 'bump') kind = event.kind;
  else if (event.type === 'near_miss') kind = 'near_miss';
  else return null;
  const tsMs = Date.parse(event.ts);
  return {
    kind,
    cell: latLngToCell(event.lat, event.lng, PATH_CELL_RESOLUTION),
    sector: headingSector(event.heading),
    minute: epochMinute(tsMs),
    tsMs,
  };
}

/**
 * Exposure: every cell a trip entered, with the direction and minute — the cameras that
 * *passed*, against which braking is judged (a junction where 5 of 60 passing cameras brake is
 * normal; a road where 4 of 5 brake is not). Trip paths are already redacted on the camera.
 */
export function exposuresOf(event: TelemetryEvent): Signal[] {
  if (event.type !== 'trip') return [];
  return event.path.map((p) => {
    const tsMs = Date.parse(p.ts);
    return { kind: 'pass', cell: p.cell, sector: headingSector(p.heading), minute: epochMinute(tsMs), tsMs };
  });
}
