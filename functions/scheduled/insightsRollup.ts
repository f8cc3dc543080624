import middy from '@middy/core';
import { foldDay } from '../../lib/insights/dayRollup.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import { DAY_MS, HOUR_MS } from '../../lib/time/durations.ts';
import { RAW_RETENTION_AFTER_DAY_MS } from '../adapters/insightsStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';

/** A day is folded once its end plus this lateness has passed (later records reopen it). */
export const INSIGHTS_DAY_LATENESS_MS = 15 * 60_000;
/**
 * Days are folded while all their raw items surely exist: the hour before their retention
 * ends is left as margin for a slow run (on AWS, TTL deletes after expiry, never before).
 */
const FOLD_UNTIL_AFTER_DAY_MS = RAW_RETENTION_AFTER_DAY_MS - HOUR_MS;

export interface InsightsRollupReport {
  days: number;
  partitions: number;
  /** Partitions re-marked while being folded: the next run folds them again. */
  reopened: number;
}

/**
 * The cheaper path to the insurer insights: once a UTC day is closed, each partition that had
 * contributions that day is folded from its raw items into anonymous day and hour aggregates
 * (distinct cameras counted, pseudonyms dropped), overwriting any earlier fold. Every step is
 * an overwrite or a set-add, so a crash, a concurrent run or a rerun changes nothing; a record
 * arriving after the fold re-marks the day and the next run recomputes it from all its raw items.
 */
export async function rollupInsights(
  deps: Pick<AppDeps, 'insights'>,
  nowMs: number,
): Promise<InsightsRollupReport> {
  const report: InsightsRollupReport = { days: 0, partitions: 0, reopened: 0 };
  const today = Math.floor(nowMs / DAY_MS);
  for (let d = today - 3; d <= today; d++) {
    const dayEndMs = (d + 1) * DAY_MS;
    if (nowMs < dayEndMs + INSIGHTS_DAY_LATENESS_MS || nowMs >= dayEndMs + FOLD_UNTIL_AFTER_DAY_MS) continue;
    const day = utcDay(d * DAY_MS);
    const dirty = await deps.insights.dirtyPartitions(day);
    if (dirty.length === 0) continue;
    report.days++;
    for (const mark of dirty) {
      const raws = await deps.insights.rawOfDay(mark.partition, day);
      await deps.insights.putDay(mark.partition, day, foldDay(raws));
      report.partitions++;
      if (!(await deps.insights.clearDirty(day, mark))) report.reopened++;
    }
  }
  return report;
}

/** The scheduled function (hourly on AWS; every minute in the local stack). */
export function createInsightsRollupHandler(deps: Pick<AppDeps, 'insights' | 'clock'>) {
  return middy<unknown, InsightsRollupReport>().handler(() => rollupInsights(deps, deps.clock()));
}

export const handler = lambdaEntry(createInsightsRollupHandler, 'insightsRollup');
