import type { PriorsSource } from '../../lib/priors/priorsSource.ts';
import type { InsightsStore } from './insightsStore.ts';

/**
 * The prior-tile builder's view of the insights tables: the partitions ever observed (the
 * `seen#` items, one BatchGetItem per 100 partitions) and their anonymous day aggregates (one
 * Query per partition). Nothing pseudonymous is read.
 */
export function priorsSourceOf(store: Pick<InsightsStore, 'seenCells' | 'days'>): PriorsSource {
  return {
    async observedPartitions(candidates) {
      const seen = await store.seenCells(candidates);
      return candidates.filter((c) => seen.has(c));
    },
    days: (partitions, fromDay, toDay) => store.days(partitions, fromDay, toDay),
  };
}
