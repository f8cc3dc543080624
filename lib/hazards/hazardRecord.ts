import type { HazardKind } from '../contract/hazards.ts';
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

/**
 * How long a hazard stays active after its last evidence, by kind. A slowdown or obstruction is
 * usually towed or cleared within half an hour; debris within hours; a pothole stays until it is
 * repaired, which takes days to weeks.
 */
export const STALE_AFTER_MS: Record<HazardKind, number> = {
  slowdown_or_obstruction: 30 * 60_000,
  debris: 3 * 3600_000,
  pothole: 14 * 24 * 3600_000,
};

/** When a hazard stopped being active: recorded clearing, else its last evidence plus staleness. */
export function effectiveClearedAtMs(h: HazardRecord): number {
  return h.clearedAtMs ?? h.lastSeenMs + STALE_AFTER_MS[h.kind];
}

/** True when the hazard was active at `atMs`. */
export function isActiveAt(h: HazardRecord, atMs: number): boolean {
  return h.firstSeenMs <= atMs && atMs < effectiveClearedAtMs(h);
}
