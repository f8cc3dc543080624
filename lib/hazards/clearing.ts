import { gridDisk } from 'h3-js';
import type { HazardKind } from '../contract/hazards.ts';
import { type EpochMinute, epochMinute, minuteStartMs } from '../time/epochMinute.ts';
import type { BucketIndex } from './bucketIndex.ts';
import { HAZARD_KIND_TABLE } from './hazardKinds.ts';
import { type HazardRecord, STALE_AFTER_MS } from './hazardRecord.ts';
import { sectorGroup } from './headingSector.ts';

/**
 * Distinct cameras that must pass a hazard, in its direction, without giving its signal after
 * its last evidence before it is cleared, by kind (the hazard-kind table gives each kind's reason).
 */
export const CLEAR_AFTER_PASSERS = Object.fromEntries(
  Object.entries(HAZARD_KIND_TABLE).map(([kind, spec]) => [kind, spec.clearAfterPassers]),
) as Record<HazardKind, number>;

/**
 * Hazards to clear now: those that enough cameras passed cleanly after the last evidence, and
 * those with no evidence for their kind's staleness period. `clearedAtMs` is the minute the
 * clearing evidence sufficed (or last evidence plus staleness), so history answers "was it
 * known at 17:42?" the same however late the clearing was computed.
 */
export function hazardsToClear(input: {
  active: readonly HazardRecord[];
  index: BucketIndex;
  neighbourRings: number;
  nowMs: number;
}): HazardRecord[] {
  const out: HazardRecord[] = [];
  for (const h of input.active) {
    if (h.clearedAtMs !== undefined) continue;
    const staleAt = h.lastSeenMs + STALE_AFTER_MS[h.kind];
    const clearedByPassers = cleanPassMinute(h, input.index, input.neighbourRings);
    const clearedAtMs =
      clearedByPassers !== undefined
        ? Math.min(minuteStartMs(clearedByPassers), staleAt)
        : staleAt <= input.nowMs
          ? staleAt
          : undefined;
    if (clearedAtMs !== undefined) out.push({ ...h, clearedAtMs });
  }
  return out;
}

/** The minute by which enough distinct cameras passed after the last evidence without signalling. */
function cleanPassMinute(h: HazardRecord, index: BucketIndex, rings: number): EpochMinute | undefined {
  const cluster = gridDisk(h.cell, rings);
  const group = sectorGroup(h.sector);
  const after = epochMinute(h.lastSeenMs);
  const signalled = new Set<string>();
  for (const e of index.entries(h.signal, cluster)) {
    if (e.minute > after && group.has(e.sector)) for (const p of e.pseudonyms) signalled.add(p);
  }
  // Clean passes count only in the hazard's own cell: the ring also holds cross streets and
  // ramps, whose traffic never met the hazard.
  const passes = index
    .entries('pass', [h.cell])
    .filter((e) => e.minute > after && group.has(e.sector))
    .sort((a, b) => a.minute - b.minute);
  const clean = new Set<string>();
  for (const e of passes) {
    for (const p of e.pseudonyms) if (!signalled.has(p)) clean.add(p);
    if (clean.size >= CLEAR_AFTER_PASSERS[h.kind]) return e.minute;
  }
  return undefined;
}
