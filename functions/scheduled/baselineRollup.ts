import middy from '@middy/core';
import {
  type BaselineRollupDeps,
  type RollupReport,
  rollupBaselines,
} from '../../lib/hazards/baselineRollup.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/** The scheduled function (hourly on AWS; every minute in the local stack). */
export function createBaselineRollupHandler(deps: BaselineRollupDeps & Pick<AppDeps, 'clock'>) {
  return middy<unknown, RollupReport>()
    .use(observability())
    .handler(async () => {
      const report = await rollupBaselines(deps, deps.clock());
      logger().info('baseline rollup', { ...report });
      return report;
    });
}

export const handler = lambdaEntry(createBaselineRollupHandler, 'baselineRollup');

/** The use case lives in lib/hazards/baselineRollup.ts; re-exported for the crash harness. */
export { rollupBaselines };
