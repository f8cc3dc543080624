import type { HazardKind } from '../contract/hazards.ts';
import { HAZARD_KIND_TABLE } from './hazardKinds.ts';
import type { HeadingSector } from './headingSector.ts';
import type { SignalKind } from './signals.ts';

/** A hazard as the detector and the store know it. Times in ms since the epoch. */
export interface HazardRecord {
  id: string;
  kind: HazardKind;
  signal: SignalKind;
  /** Anchor cell: the H3 res-10 cell with the most evidence when the hazard was raised. */
  cell: string;
  sector: HeadingSector;
  lat: number;
  lng: number;
  firstSeenMs: number;
  lastSeenMs: number;
  clearedAtMs?: number;
  cameras: number;
  confidence: number;
}

/** How long a hazard stays active after its last evidence, by kind (from the hazard-kind table). */
export const STALE_AFTER_MS = Object.fromEntries(
  Object.entries(HAZARD_KIND_TABLE).map(([kind, spec]) => [kind, spec.staleAfterMs]),
) as Record<HazardKind, number>;

/** When a hazard stopped being active: recorded clearing, else its last evidence plus staleness. */
export function effectiveClearedAtMs(h: HazardRecord): number {
  return h.clearedAtMs ?? h.lastSeenMs + STALE_AFTER_MS[h.kind];
}

/** True when the hazard was active at `atMs`. */
export function isActiveAt(h: HazardRecord, atMs: number): boolean {
  return h.firstSeenMs <= atMs && atMs < effectiveClearedAtMs(h);
}
