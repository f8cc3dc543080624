import { DAY_MS } from '../time/durations.ts';
import { isoOf } from '../time/isoTime.ts';
import type { PriorTileCandidate } from './buildPriorTile.ts';
import { buildPriorTile } from './buildPriorTile.ts';
import type { PriorsSource } from './priorsSource.ts';

/** Where the scheduled builder leaves its unsigned candidates for an operator to sign. */
export interface PriorCandidateSink {
  putCandidate(region: string, candidate: PriorTileCandidate): Promise<void>;
}

/** Options of {@link runPriorsJob}. */
export interface PriorsJobOptions {
  /** The tiles' areas (H3 cells, res 4 by default: one per city the fleet drives in). */
  regions: readonly string[];
  /** Now (handed in: no clock in lib/). The history ends with the last complete UTC day. */
  nowMs: number;
  /**
   * Days of history. 90: a season of driving — enough near misses for busy cells to stand out of
   * the shrinkage, short enough that a rebuilt junction is forgotten within a quarter.
   */
  periodDays?: number;
  k?: number;
}

/** What a run built: per region its candidate's version and cells; regions with no cell meeting k. */
export interface PriorsJobReport {
  built: { region: string; version: string; cells: number }[];
  empty: string[];
}

const dayOf = (ms: number) => isoOf(ms, 'day');

/**
 * The scheduled prior-tile builder's use case: per region, a candidate over the last
 * `periodDays` complete UTC days, stored unsigned (the cloud holds no release key). A region
 * where no cell meets k gets no candidate: an empty tile would tell a camera nothing.
 */
export async function runPriorsJob(
  source: PriorsSource,
  sink: PriorCandidateSink,
  options: PriorsJobOptions,
): Promise<PriorsJobReport> {
  const periodDays = options.periodDays ?? 90;
  const lastDayMs = options.nowMs - DAY_MS;
  const report: PriorsJobReport = { built: [], empty: [] };
  for (const region of options.regions) {
    const buildOptions = {
      region,
      fromDay: dayOf(lastDayMs - (periodDays - 1) * DAY_MS),
      toDay: dayOf(lastDayMs),
      createdAt: isoOf(options.nowMs),
      ...(options.k !== undefined ? { k: options.k } : {}),
    };
    const { candidate, priors } = await buildPriorTile(source, buildOptions);
    if (priors.cells.length === 0) {
      report.empty.push(region);
      continue;
    }
    await sink.putCandidate(region, candidate);
    report.built.push({ region, version: candidate.version, cells: priors.cells.length });
  }
  return report;
}
