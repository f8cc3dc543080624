import middy from '@middy/core';
import { type PriorsJobReport, runPriorsJob } from '../../lib/priors/priorsJob.ts';
import { ENV } from '../../lib/resources.ts';
import { PriorCandidateStore, priorsSourceOf } from '../adapters/priorsSource.ts';
import type { AppDeps, ResourceNames } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/** The schedule's input: the tiles' areas (res-4 H3 cells) and, optionally, the days of history. */
export interface PriorsBuilderEvent {
  regions: string[];
  periodDays?: number;
}

/**
 * The conflict-prior builder (issue 12 part 4), daily: per configured area, a tile candidate from
 * the insights' day aggregates over the last 90 complete days, stored unsigned. It publishes
 * nothing: the cloud holds no release key (functions/adapters/artefactReleaseKeys.ts), so an
 * operator signs a candidate (`dashnet priors sign`) and publishes it through `POST /v1/artefacts`.
 */
export function createPriorsBuilderHandler(
  deps: Pick<AppDeps, 'insights' | 'clients' | 'clock'> & { names: Pick<ResourceNames, 'insightsTable'> },
) {
  const { insights } = deps;
  const candidates = new PriorCandidateStore(deps.clients.ddb, deps.names.insightsTable);
  return middy<PriorsBuilderEvent, PriorsJobReport>()
    .use(observability())
    .handler(async (event) => {
      const report = await runPriorsJob(priorsSourceOf(insights), candidates, {
        regions: Array.isArray(event?.regions) ? event.regions : priorsRegionsFromEnv(),
        nowMs: deps.clock(),
        ...(event?.periodDays !== undefined ? { periodDays: event.periodDays } : {}),
      });
      logger().info('conflict priors built', { built: report.built, empty: report.empty.length });
      return report;
    });
}

/** The configured areas (`DASHNET_PRIORS_REGIONS`, res-4 cells, comma-separated); none: no tiles. */
export function priorsRegionsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env[ENV.priorsRegions] ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
}

export const handler = lambdaEntry(createPriorsBuilderHandler, 'priorsBuilder');
