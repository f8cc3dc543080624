import { cellToLatLng, gridDisk, gridDistance } from 'h3-js';
import { type EpochMinute, epochMinute, minuteStartMs } from '../time/epochMinute.ts';
import type { BucketDelta } from './bucketing.ts';
import { hazardId } from './hazardId.ts';
import type { HazardRecord } from './hazardRecord.ts';
import { isActiveAt } from './hazardRecord.ts';
import type { HazardRule } from './hazardRule.ts';
import { type HeadingSector, sectorGroup } from './headingSector.ts';
import type { SignalKind } from './signals.ts';
import { HAZARD_KIND_OF } from './signals.ts';
import { type BucketEntry, slidingWindowCounts } from './slidingWindow.ts';

export interface DetectorConfig {
  rule: HazardRule;
  /** The sliding window, in event time. */
  windowMinutes: number;
  /**
   * Allowed lateness: a window that ended longer ago than this (in processing time) no longer
   * raises a live hazard. Its events still count in the buckets and aggregates.
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

/** A change the detector asks the store to make. */
export type HazardChange = { op: 'create'; hazard: HazardRecord } | { op: 'update'; hazard: HazardRecord };

/** Cells whose buckets the detector must read for these deltas: each touched cell and its rings. */
export function cellsToRead(deltas: Iterable<BucketDelta>, config: Pick<DetectorConfig, 'neighbourRings'>) {
  const out = new Map<SignalKind, Set<string>>();
  for (const d of deltas) {
    let cells = out.get(d.kind);
    if (!cells) {
      cells = new Set();
      out.set(d.kind, cells);
    }
    for (const c of gridDisk(d.cell, config.neighbourRings)) cells.add(c);
  }
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

/**
 * Decides which hazards a batch raises or updates: for every touched cell and direction, the
 * sliding windows over the cell and its neighbours (so a cluster straddling a cell boundary
 * counts together) are evaluated by the rule; a qualifying cluster updates the active hazard
 * of the same kind and direction nearby, or creates one with a deterministic id.
 *
 * @param entries stored buckets by `kind` then cell, covering `cellsToRead(deltas)` and the
 *   minutes [min touched − window, max touched + window]
 */
export function detectHazards(input: {
  deltas: Iterable<BucketDelta>;
  entries: ReadonlyMap<SignalKind, ReadonlyMap<string, readonly BucketEntry[]>>;
  active: readonly HazardRecord[];
  config: DetectorConfig;
  nowMs: number;
}): HazardChange[] {
  const { config, nowMs } = input;
  const nowMinute = epochMinute(nowMs);
  const groups = new Map<string, TouchedGroup>();
  for (const d of input.deltas) {
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
  // Strongest evidence first, then by cell: deterministic, and the best-placed cell anchors.
  const ordered = [...groups.values()].sort((a, b) => b.weight - a.weight || a.cell.localeCompare(b.cell));
  const known = [...input.active];
  const changes = new Map<string, HazardChange>();

  for (const g of ordered) {
    const byCell = input.entries.get(g.kind);
    if (!byCell) continue;
    const cluster = gridDisk(g.cell, config.neighbourRings);
    const entries = cluster.flatMap((c) => byCell.get(c) ?? []);
    for (const sector of [...g.sectors].sort((a, b) => String(a).localeCompare(String(b)))) {
      const sectors = sectorGroup(sector);
      const toEnd = Math.min(g.maxMinute + config.windowMinutes - 1, nowMinute) as EpochMinute;
      const counts = slidingWindowCounts(entries, sectors, g.minMinute, toEnd, config.windowMinutes);
      const live = counts.filter((w) => w.end >= nowMinute - config.maxLatenessMinutes);
      const firstIdx = live.findIndex((w) => config.rule.decide({ cameras: w.pseudonyms.size }).raise);
      if (firstIdx < 0) continue;
      const first = live[firstIdx]!;
      const qualifying = live.slice(firstIdx);
      const best = qualifying.reduce((a, w) => (w.pseudonyms.size > a.pseudonyms.size ? w : a), first);
      const lastMinute = Math.max(...qualifying.map((w) => w.lastEvidenceMinute ?? 0)) as EpochMinute;
      const firstSeenMs = minuteStartMs(first.lastEvidenceMinute ?? first.end);
      const lastSeenMs = minuteStartMs(lastMinute);
      const decision = config.rule.decide({ cameras: best.pseudonyms.size });
      const kind = HAZARD_KIND_OF[g.kind];

      const existing = known.find(
        (h) =>
          h.signal === g.kind &&
          (h.sector === sector || sectorGroup(h.sector).has(sector)) &&
          safeGridDistance(h.cell, g.cell) <= 2 * config.neighbourRings &&
          isActiveAt(h, firstSeenMs),
      );
      if (existing) {
        const updated: HazardRecord = {
          ...existing,
          lastSeenMs: Math.max(existing.lastSeenMs, lastSeenMs),
          cameras: Math.max(existing.cameras, best.pseudonyms.size),
          confidence: Math.max(existing.confidence, decision.confidence),
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
      const anchor = anchorCell(entries, sectors, first.end, config.windowMinutes, g.cell);
      const [lat, lng] = cellToLatLng(anchor);
      const hazard: HazardRecord = {
        id: hazardId([kind, anchor, String(sector), first.end]),
        kind,
        signal: g.kind,
        cell: anchor,
        sector,
        lat,
        lng,
        firstSeenMs,
        lastSeenMs: Math.max(firstSeenMs, lastSeenMs),
        cameras: best.pseudonyms.size,
        confidence: decision.confidence,
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
    if (!sectors.has(e.sector) || e.minute > end || e.minute <= end - windowMinutes) continue;
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
