import middy from '@middy/core';
import { type NightCalibrationReport, runNightCalibration } from '../../lib/night/nightRollup.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/**
 * The night calibration (issue 12 part 5), daily: rolls the closed days' `night_scene`
 * observations up into anonymous aggregates and calibrates a profile candidate per camera model
 * and firmware that passes the distinct-camera guard. It stores candidates and publishes
 * nothing: the cloud holds no release key (releases are signed offline,
 * functions/adapters/artefactReleaseKeys.ts), so an operator signs a candidate and publishes it
 * through `POST /v1/artefacts`, and the staged rollout takes it from there.
 */
export function createNightCalibrationHandler(deps: Pick<AppDeps, 'night' | 'clock'>) {
  return middy<unknown, NightCalibrationReport>()
    .use(observability())
    .handler(async () => {
      const report = await runNightCalibration(deps.night, deps.clock());
      logger().info('night calibration', {
        days: report.rolledUp.map((r) => r.day),
        candidates: report.candidates,
        withheld: report.withheld,
      });
      return report;
    });
}

export const handler = lambdaEntry(createNightCalibrationHandler, 'nightCalibration');
