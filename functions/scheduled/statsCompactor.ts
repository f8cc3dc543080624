import middy from '@middy/core';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/** What one compaction did. */
export interface StatsCompactionReport {
  foldedHours: number;
  deletedItems: number;
}

/**
 * The scheduled function (hourly on AWS; every 10 minutes in the local stack): folds the
 * exactly-once ops-counter items past their dedup horizon into hourly totals
 * (`StatsStore.compact`), so `GET /v1/ops/stats` reads about eight days of items, not all of them.
 */
export function createStatsCompactorHandler(deps: Pick<AppDeps, 'stats' | 'clock'>) {
  return middy<unknown, StatsCompactionReport>()
    .use(observability())
    .handler(async () => {
      const report = await deps.stats.compact(deps.clock());
      logger().info('stats compaction', { ...report });
      return report;
    });
}

export const handler = lambdaEntry(createStatsCompactorHandler, 'statsCompactor');
