import type { BaselineItem, BucketRepository } from '../stream/applyRecords.ts';
import type { EpochMinute } from '../time/epochMinute.ts';
import { hourOfWeek, rollupHour } from './baseline.ts';

/** Buckets are kept 48 hours: older hours can no longer be rolled up. */
const LOOKBACK_HOURS = 46;

/** What one rollup run did. */
export interface RollupReport {
  hours: number;
  partitions: number;
  applied: number;
}

/** The baselines' side of the rollup: the work list and exactly-once application of an hour. */
export interface BaselineRollupRepository {
  /** Partitions with buckets in `epochHour` not yet rolled up. */
  dirtyPartitions(epochHour: number): Promise<string[]>;
  /** Adds an hour's counts to a partition's hour-of-week baseline; false when it was applied before. */
  applyHour(partition: string, hourOfWeek: number, epochHour: number, counts: BaselineItem): Promise<boolean>;
}

/** What {@link rollupBaselines} needs, and nothing more. */
export interface BaselineRollupDeps {
  baselines: BaselineRollupRepository;
  buckets: Pick<BucketRepository, 'readPartitions'>;
  detector: { maxLatenessMinutes: number };
}

/**
 * The cheaper path to long-term baselines: once an hour is closed (its end plus the allowed
 * lateness has passed), each partition that had buckets in it is rolled up from the idempotent
 * minute buckets into per-cell counts at that hour of week, applied exactly once. Resumable:
 * a partition's work item is deleted only after its counts are applied, and re-applying is
 * refused by the store.
 */
export async function rollupBaselines(deps: BaselineRollupDeps, nowMs: number): Promise<RollupReport> {
  const nowHour = Math.floor(nowMs / 3600_000);
  const closedBefore = Math.floor((nowMs - deps.detector.maxLatenessMinutes * 60_000) / 3600_000);
  const report: RollupReport = { hours: 0, partitions: 0, applied: 0 };
  for (let hour = nowHour - LOOKBACK_HOURS; hour < closedBefore; hour++) {
    const partitions = await deps.baselines.dirtyPartitions(hour);
    if (partitions.length === 0) continue;
    report.hours++;
    for (const partition of partitions) {
      const from = (hour * 60) as EpochMinute;
      const entries = await deps.buckets.readPartitions([partition], from, (from + 59) as EpochMinute, nowMs);
      const applied = await deps.baselines.applyHour(partition, hourOfWeek(from), hour, rollupHour(entries));
      report.partitions++;
      if (applied) report.applied++;
    }
  }
  return report;
}
