import { type BaselineCounts, baselineAttr, baselineRate, hourOfWeek } from '../hazards/baseline.ts';
import { BucketIndex } from '../hazards/bucketIndex.ts';
import { aggregateExposure, aggregateSignals, type BucketDelta } from '../hazards/bucketing.ts';
import { hazardsToClear } from '../hazards/clearing.ts';
import { type BaselineLookup, cellsWithin, type DetectorConfig, detectHazards } from '../hazards/detector.ts';
import { longestWindowMinutes } from '../hazards/hazardKinds.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import type { BucketEntry } from '../hazards/slidingWindow.ts';
import { type EpochMinute, epochMinute } from '../time/epochMinute.ts';
import type { StreamRecord } from './streamRecord.ts';

/** Per cell and sector counts of one partition at one hour of the week. */
export type BaselineItem = Map<string, BaselineCounts>;

/** The minute buckets the aggregator writes and reads (DynamoDB in `functions/adapters/bucketStore.ts`). */
export interface BucketRepository {
  /** The read partition of a res-10 cell: one read returns a whole neighbourhood's window. */
  partitionOf(cell: string): string;
  /** Adds each delta's pseudonyms to its bucket (idempotent); returns the deltas that failed. */
  write(deltas: readonly BucketDelta[]): Promise<{ delta: BucketDelta; error: unknown }[]>;
  /** Every live bucket of the partitions over [from, to]. */
  readPartitions(
    partitions: Iterable<string>,
    fromMinute: EpochMinute,
    toMinute: EpochMinute,
    nowMs: number,
  ): Promise<BucketEntry[]>;
}

/** Hazards as the aggregator raises, updates and clears them. */
export interface HazardRepository {
  /** The area (index partition) a cell or bucket partition belongs to. */
  areaOf(cell: string): string;
  listActive(areas: Iterable<string>): Promise<HazardRecord[]>;
  /** Creates a hazard; false when it already exists (a retried batch). */
  create(h: HazardRecord): Promise<boolean>;
  update(h: HazardRecord): Promise<void>;
}

/** The learned baselines the rule compares against, and the marks that feed their rollup. */
export interface BaselineRepository {
  read(partitions: Iterable<string>, hourOfWeek: number): Promise<Map<string, BaselineItem>>;
  markDirty(partitionHours: Iterable<{ partition: string; hour: number }>): Promise<number>;
}

/** What {@link applyRecords} needs: three repositories and the detector's configuration. */
export interface AggregatorRepositories {
  buckets: BucketRepository;
  hazards: HazardRepository;
  baselines: BaselineRepository;
  detector: DetectorConfig;
}

/** What one invocation did, for logs and benchmarks. */
export interface AggregationReport {
  records: number;
  events: number;
  poison: number;
  bucketWrites: number;
  passWrites: number;
  hazardsCreated: string[];
  hazardsUpdated: string[];
  hazardsCleared: string[];
  /** The buckets this invocation touched: what a live map shows as cells gathering evidence. */
  touched: { kind: string; cell: string; minute: number; cameras: number }[];
}

/** Writes bucket deltas; a failure throws with the deltas that failed and the first cause. */
async function writeOrThrow(buckets: BucketRepository, deltas: readonly BucketDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const failed = await buckets.write(deltas);
  if (failed.length > 0)
    throw new BucketWriteError(
      failed.map((f) => f.delta),
      failed[0]!.error,
    );
}

/** Minutes of the window, around the touched minutes, that an invocation reads. */
function minuteRange(deltas: readonly BucketDelta[], windowMinutes: number) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const d of deltas) {
    lo = Math.min(lo, d.minute);
    hi = Math.max(hi, d.minute);
  }
  return { from: (lo - windowMinutes) as EpochMinute, to: (hi + windowMinutes) as EpochMinute };
}

/** A baseline lookup over prefetched baseline items; signals without a learned baseline use the prior. */
function baselineLookup(
  items: Map<string, Map<string, BaselineItem>>,
  partitionOf: (cell: string) => string,
): BaselineLookup {
  return (kind, cells, sectors, minute) => {
    if (kind !== 'brake') return baselineRate({ signals: 0, passers: 0 });
    const byPartition = items.get(String(hourOfWeek(minute)));
    let signals = 0;
    let passers = 0;
    for (const cell of cells) {
      const counts = byPartition?.get(partitionOf(cell));
      if (!counts) continue;
      for (const sector of sectors) {
        const c = counts.get(baselineAttr(cell, sector));
        if (c) {
          signals += c.signals;
          passers += c.passers;
        }
      }
    }
    return baselineRate({ signals, passers });
  };
}

/**
 * Applies decoded stream records. Aggregates in memory first, then: writes the signals' buckets
 * (set-add, idempotent), with the passes next to them, before reading, so that two
 * invocations racing on one incident cannot both miss the other's evidence; reads the sliding
 * windows of the touched neighbourhoods (one Query per res-8 partition); writes exposure only
 * for cells where something is happening (evidence nearby or an active hazard) and only where
 * the store lacks it — elsewhere the hourly rollup is the cheaper path; raises or updates
 * hazards against the learned baselines; clears hazards that cameras now pass without braking.
 * Throws on failure; every step is idempotent, so a retry of the same records changes nothing
 * that already happened.
 */
export async function applyRecords(
  deps: AggregatorRepositories,
  records: readonly StreamRecord[],
  nowMs: number,
): Promise<Omit<AggregationReport, 'records' | 'events' | 'poison'>> {
  const cfg = deps.detector;
  // Reads reach back over the longest window any hazard kind uses (near misses: an hour).
  const windowMinutes = longestWindowMinutes(cfg.windowMinutes);
  const signals = [...aggregateSignals(records).values()];
  const passes = [...aggregateExposure(records).values()];
  // Evidence older than the window plus the allowed lateness cannot change a live hazard:
  // it is kept (buckets, baselines later) but costs no reads.
  const liveFrom = epochMinute(nowMs) - cfg.maxLatenessMinutes - windowMinutes;
  const liveSignals = signals.filter((d) => d.minute >= liveFrom);
  const livePasses = passes.filter((d) => d.minute >= liveFrom);
  // Passes next to this batch's own live evidence are written whatever the store holds, so
  // they go in the same write as the signals: the store puts a kind's cells of one area-minute
  // in one item, and the item is then written once instead of before and after the read.
  const ownHot = cellsWithin(
    liveSignals.map((d) => d.cell),
    cfg.neighbourRings,
  );
  const earlyPasses = livePasses.filter((d) => ownHot.has(d.cell));
  await writeOrThrow(deps.buckets, [...signals, ...earlyPasses]);
  const touched = signals.map((d) => ({
    kind: d.kind,
    cell: d.cell,
    minute: d.minute,
    cameras: d.pseudonyms.size,
  }));
  const report = {
    bucketWrites: signals.length,
    passWrites: earlyPasses.length,
    touched,
    hazardsCreated: [] as string[],
    hazardsUpdated: [] as string[],
    hazardsCleared: [] as string[],
  };
  if (liveSignals.length === 0 && livePasses.length === 0) return report;

  // The cells to read: each live signal's cell and its rings (`ownHot`, computed once), and
  // the live passes' cells.
  const cells = new Set(ownHot);
  for (const d of livePasses) cells.add(d.cell);
  // Asked again for the same cells by the baseline lookup and the rollup markers; an H3 parent
  // is a few microseconds, a busy batch asks thousands of times.
  const partitionByCell = new Map<string, string>();
  const partitionOf = (cell: string) => {
    let p = partitionByCell.get(cell);
    if (p === undefined) {
      p = deps.buckets.partitionOf(cell);
      partitionByCell.set(cell, p);
    }
    return p;
  };
  const partitions = new Set([...cells].map(partitionOf));
  const { from, to } = minuteRange([...liveSignals, ...livePasses], windowMinutes);
  const index = new BucketIndex()
    .add(await deps.buckets.readPartitions(partitions, from, to, nowMs))
    .add(liveSignals)
    .add(earlyPasses);
  const active = await deps.hazards.listActive(new Set([...partitions].map((p) => deps.hazards.areaOf(p))));

  const hot = cellsWithin([...index.signalCells(), ...active.map((h) => h.cell)], cfg.neighbourRings);
  // The read covered every live pass's bucket: a pass whose cameras the store already holds (a
  // replayed or retried record) would change nothing, so it costs no write.
  const latePasses = livePasses.filter((d) => hot.has(d.cell) && !ownHot.has(d.cell) && !index.holds(d));
  await writeOrThrow(deps.buckets, latePasses);
  index.add(latePasses);
  const hotPasses = [...earlyPasses, ...latePasses];
  report.passWrites = hotPasses.length;

  const hours = new Set<number>();
  for (let m: number = from; m <= to; m += 60) hours.add(hourOfWeek(m));
  hours.add(hourOfWeek(to));
  const baselines = new Map<string, Map<string, BaselineItem>>();
  for (const how of hours) baselines.set(String(how), await deps.baselines.read(partitions, how));

  const changes = detectHazards({
    deltas: liveSignals,
    index,
    active,
    config: cfg,
    baseline: baselineLookup(baselines, partitionOf),
    nowMs,
  });
  const changed = new Set<string>();
  for (const change of changes) {
    changed.add(change.hazard.id);
    if (change.op === 'create' && (await deps.hazards.create(change.hazard))) {
      report.hazardsCreated.push(change.hazard.id);
    } else {
      await deps.hazards.update(change.hazard);
      report.hazardsUpdated.push(change.hazard.id);
    }
  }
  const clearable = active.filter((h) => !changed.has(h.id));
  for (const cleared of hazardsToClear({
    active: clearable,
    index,
    neighbourRings: cfg.neighbourRings,
    nowMs,
  })) {
    await deps.hazards.update(cleared);
    report.hazardsCleared.push(cleared.id);
  }

  const dirty = new Map<string, { partition: string; hour: number }>();
  for (const d of [...signals, ...hotPasses]) {
    const partition = partitionOf(d.cell);
    const hour = Math.floor(d.minute / 60);
    dirty.set(`${hour}#${partition}`, { partition, hour });
  }
  await deps.baselines.markDirty(dirty.values());
  return report;
}

/** Some bucket writes failed; `cause` says whether a retry may succeed. */
export class BucketWriteError extends Error {
  override readonly name = 'BucketWriteError';
  readonly code = 'BUCKET_WRITE_FAILED';
  constructor(
    readonly deltas: BucketDelta[],
    override readonly cause: unknown,
  ) {
    super(`${deltas.length} bucket writes failed: ${String(cause)}`);
  }
}
