import { cellToLatLng, gridDisk, gridDistance } from 'h3-js';
import { type EpochMinute, epochMinute, minuteStartMs } from '../time/epochMinute.ts';
import type { BucketIndex } from './bucketIndex.ts';
import type { BucketDelta } from './bucketing.ts';
import { hazardId } from './hazardId.ts';
import { HAZARD_KIND_TABLE } from './hazardKinds.ts';
import { type HazardRecord, isActiveAt } from './hazardRecord.ts';
import type { HazardRule } from './hazardRule.ts';
import { type HeadingSector, sectorGroup } from './headingSector.ts';
import { HAZARD_KIND_OF, type SignalKind } from './signals.ts';
import { type BucketEntry, inWindow, lastWindowEndHolding, slidingWindowCounts } from './slidingWindow.ts';

export interface DetectorConfig {
  /** The rule of kinds that declare none of their own (`hazardKinds.ts`). */
  rule: HazardRule;
  /** The sliding window, in event time, of kinds that declare none of their own. */
  windowMinutes: number;
  /**
   * Allowed lateness: a window that ended longer ago than this (in processing time) no longer
   * raises or clears a live hazard. Its events still count in the buckets and baselines.
   */
  maxLatenessMinutes: number;
  /** Rings of neighbouring cells counted with a cell: 1 ring of res-10 cells spans ~100–200 m. */
  neighbourRings: number;
}

export const DEFAULT_DETECTOR_CONFIG: Omit<DetectorConfig, 'rule'> = {
  windowMinutes: 20,
  maxLatenessMinutes: 60,
  neighbourRings: 1,
};

/** The learned normal rate of a signal for a cluster, direction and minute (see baseline.ts). */
export type BaselineLookup = (
  kind: SignalKind,
  cells: readonly string[],
  sectors: ReadonlySet<HeadingSector>,
  minute: EpochMinute,
) => number;

/** A change the detector asks the store to make. */
export type HazardChange = { op: 'create'; hazard: HazardRecord } | { op: 'update'; hazard: HazardRecord };

/**
 * The cells within `rings` of any of `cells`: what the detector reads around evidence (each
 * touched cell and its rings), and where exposure matters around evidence or a hazard.
 */
export function cellsWithin(cells: Iterable<string>, rings: number): Set<string> {
  const out = new Set<string>();
  for (const c of new Set(cells)) for (const n of gridDisk(c, rings)) out.add(n);
  return out;
}

interface TouchedGroup {
  kind: SignalKind;
  cell: string;
  sectors: Set<HeadingSector>;
  minMinute: EpochMinute;
  maxMinute: EpochMinute;
  weight: number;
}

function safeGridDistance(a: string, b: string): number {
  try {
    return gridDistance(a, b);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Signal deltas grouped by kind and cell; strongest first, then by cell (deterministic). */
function touchedGroups(deltas: Iterable<BucketDelta>): TouchedGroup[] {
  const groups = new Map<string, TouchedGroup>();
  for (const d of deltas) {
    if (d.kind === 'pass') continue;
    const key = `${d.kind}#${d.cell}`;
    const g = groups.get(key);
    if (g) {
      g.sectors.add(d.sector);
      g.minMinute = Math.min(g.minMinute, d.minute) as EpochMinute;
      g.maxMinute = Math.max(g.maxMinute, d.minute) as EpochMinute;
      g.weight += d.pseudonyms.size;
    } else {
      groups.set(key, {
        kind: d.kind,
        cell: d.cell,
        sectors: new Set([d.sector]),
        minMinute: d.minute,
        maxMinute: d.minute,
        weight: d.pseudonyms.size,
      });
    }
  }
  return [...groups.values()].sort((a, b) => b.weight - a.weight || a.cell.localeCompare(b.cell));
}

/**
 * Decides which hazards a batch raises or updates: for every touched cell and direction, the
 * sliding windows over the cell and its neighbours (so a cluster straddling a cell boundary
 * counts together) are judged by the rule — signalling cameras against passing cameras and
 * the cluster's learned baseline. A qualifying cluster updates the active hazard of the same
 * kind and direction nearby, or creates one with a deterministic id.
 */
export function detectHazards(input: {
  deltas: Iterable<BucketDelta>;
  index: BucketIndex;
  active: readonly HazardRecord[];
  config: DetectorConfig;
  baseline: BaselineLookup;
  nowMs: number;
}): HazardChange[] {
  const { config, nowMs, index } = input;
  const nowMinute = epochMinute(nowMs);
  const known = [...input.active];
  const changes = new Map<string, HazardChange>();

  for (const g of touchedGroups(input.deltas)) {
    const kind = HAZARD_KIND_OF[g.kind];
    // The kind's own rule and window where the hazard-kind table declares them.
    const spec = HAZARD_KIND_TABLE[kind];
    const rule = spec.rule ?? config.rule;
    const windowMinutes = spec.windowMinutes ?? config.windowMinutes;
    const cluster = gridDisk(g.cell, config.neighbourRings);
    const signals = index.entries(g.kind, cluster);
    const passes = index.entries('pass', cluster);
    for (const sector of [...g.sectors].sort((a, b) => String(a).localeCompare(String(b)))) {
      const sectors = sectorGroup(sector);
      const toEnd = Math.min(lastWindowEndHolding(g.maxMinute, windowMinutes), nowMinute) as EpochMinute;
      const fromEnd = Math.max(g.minMinute, nowMinute - config.maxLatenessMinutes) as EpochMinute;
      if (fromEnd > toEnd) continue;
      const brakeWindows = slidingWindowCounts(signals, sectors, fromEnd, toEnd, windowMinutes);
      const passWindows = slidingWindowCounts(passes, sectors, fromEnd, toEnd, windowMinutes);
      const judged = brakeWindows.map((w, i) => {
        const passers = new Set([...w.pseudonyms, ...(passWindows[i]?.pseudonyms ?? [])]);
        const evidence = {
          cameras: w.pseudonyms.size,
          passers: passers.size,
          baselineRate: input.baseline(g.kind, cluster, sectors, w.end),
        };
        return { w, evidence, decision: rule.decide(evidence) };
      });
      const firstIdx = judged.findIndex((j) => j.decision.raise);
      if (firstIdx < 0) continue;
      const first = judged[firstIdx]!;
      const qualifying = judged.slice(firstIdx).filter((j) => j.decision.raise);
      const best = qualifying.reduce((a, j) => (j.evidence.cameras > a.evidence.cameras ? j : a), first);
      const lastMinute = Math.max(...qualifying.map((j) => j.w.lastEvidenceMinute ?? 0)) as EpochMinute;
      const firstSeenMs = minuteStartMs(first.w.lastEvidenceMinute ?? first.w.end);
      const lastSeenMs = Math.max(firstSeenMs, minuteStartMs(lastMinute));
      const confidence = Math.max(...qualifying.map((j) => j.decision.confidence));

      const existing = known.find(
        (h) =>
          h.signal === g.kind &&
          (h.sector === sector || sectorGroup(h.sector).has(sector)) &&
          safeGridDistance(h.cell, g.cell) <= 2 * config.neighbourRings &&
          // Active at either end of this evidence: late evidence (a retried batch after a crash)
          // can make the rule qualify before the hazard's first sighting; that is the same
          // incident, not a second one.
          (isActiveAt(h, firstSeenMs) || isActiveAt(h, lastSeenMs)),
      );
      if (existing) {
        const updated: HazardRecord = {
          ...existing,
          lastSeenMs: Math.max(existing.lastSeenMs, lastSeenMs),
          cameras: Math.max(existing.cameras, best.evidence.cameras),
          confidence: Math.max(existing.confidence, confidence),
        };
        if (
          updated.lastSeenMs !== existing.lastSeenMs ||
          updated.cameras !== existing.cameras ||
          updated.confidence !== existing.confidence
        ) {
          Object.assign(existing, updated);
          const prior = changes.get(existing.id);
          changes.set(existing.id, { op: prior?.op ?? 'update', hazard: { ...updated } });
        }
        continue;
      }
      const anchor = anchorCell(signals, sectors, first.w.end, windowMinutes, g.cell);
      const [lat, lng] = cellToLatLng(anchor);
      const hazard: HazardRecord = {
        id: hazardId([kind, anchor, String(sector), first.w.end]),
        kind,
        signal: g.kind,
        cell: anchor,
        sector,
        lat,
        lng,
        firstSeenMs,
        lastSeenMs,
        cameras: best.evidence.cameras,
        confidence,
      };
      known.push(hazard);
      changes.set(hazard.id, { op: 'create', hazard: { ...hazard } });
    }
  }
  return [...changes.values()];
}

/** The cell of the cluster with the most distinct cameras in the window; ties go to the lowest index. */
function anchorCell(
  entries: readonly BucketEntry[],
  sectors: ReadonlySet<HeadingSector>,
  end: EpochMinute,
  windowMinutes: number,
  fallback: string,
): string {
  const perCell = new Map<string, Set<string>>();
  for (const e of entries) {
    if (!sectors.has(e.sector) || !inWindow(e.minute, end, windowMinutes)) continue;
    let set = perCell.get(e.cell);
    if (!set) {
      set = new Set();
      perCell.set(e.cell, set);
    }
    for (const p of e.pseudonyms) set.add(p);
  }
  let best = fallback;
  let bestCount = -1;
  for (const [cell, set] of [...perCell].sort(([a], [b]) => a.localeCompare(b))) {
    if (set.size > bestCount) {
      best = cell;
      bestCount = set.size;
    }
  }
  return best;
}
