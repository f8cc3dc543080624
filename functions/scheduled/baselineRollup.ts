import middy from '@middy/core';
import { hourOfWeek, rollupHour } from '../../lib/hazards/baseline.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/** Buckets are kept 48 hours: older hours can no longer be rolled up. */
const LOOKBACK_HOURS = 46;

export interface RollupReport {
  hours: number;
  partitions: number;
  applied: number;
}

/**
 * The cheaper path to long-term baselines: once an hour is closed (its end plus the allowed
 * lateness has passed), each partition that had buckets in it is rolled up from the idempotent
 * minute buckets into per-cell counts at that hour of week, applied exactly once. Resumable:
 * a partition's work item is deleted only after its counts are applied, and re-applying is
 * refused by the store.
 */
export async function rollupBaselines(deps: AppDeps, nowMs: number): Promise<RollupReport> {
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

/** The scheduled function (hourly on AWS; every minute in the local stack). */
export function createBaselineRollupHandler(deps: AppDeps) {
  return middy<unknown, RollupReport>()
    .use(observability())
    .handler(async () => {
      const report = await rollupBaselines(deps, deps.clock());
      logger().info('baseline rollup', { ...report });
      return report;
    });
}

export const handler = lambdaEntry(createBaselineRollupHandler);
