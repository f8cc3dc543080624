import type { DayCell } from '../insights/dayRollup.ts';

/**
 * What the prior-tile builder reads: the insights' anonymous day aggregates, nothing more (no
 * raw contributions, no pseudonyms). `InsightsStore` has both queries
 * (functions/adapters/priorsSource.ts adapts it); tests and the bench pass an in-memory one.
 */
export interface PriorsSource {
  /** The res-8 partitions among `candidates` that were ever observed (to skip empty ones). */
  observedPartitions(candidates: readonly string[]): Promise<string[]>;
  /**
   * Day aggregates of `partitions` over an inclusive range of UTC days (`YYYY-MM-DD`): each
   * record is one UTC day of one partition, res-10 cells → counts and distinct cameras that day.
   */
  days(
    partitions: readonly string[],
    fromDay: string,
    toDay: string,
  ): Promise<Readonly<Record<string, DayCell>>[]>;
}
