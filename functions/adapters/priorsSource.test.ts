import { describe, expect, it } from 'vitest';
import type { DayCell } from '../../lib/insights/dayRollup.ts';
import { priorsSourceOf } from './priorsSource.ts';

const cell: DayCell = { passes: 1, exposureM: 100, brakes: 0, nearMisses: 0, speeds: {}, cameras: 5 };

describe('priorsSourceOf', () => {
  it('keeps only the candidate partitions the insights have seen, in the order asked', async () => {
    const asked: string[][] = [];
    const source = priorsSourceOf({
      seenCells: async (partitions) => {
        asked.push([...partitions]);
        return new Map([
          ['p3', new Set(['c'])],
          ['p1', new Set(['a'])],
        ]);
      },
      days: async () => [],
    });
    expect(await source.observedPartitions(['p1', 'p2', 'p3'])).toEqual(['p1', 'p3']);
    expect(asked).toEqual([['p1', 'p2', 'p3']]);
  });

  it('reads day aggregates through the store with the same partitions and days', async () => {
    const calls: unknown[] = [];
    const source = priorsSourceOf({
      seenCells: async () => new Map(),
      days: async (partitions, from, to) => {
        calls.push([[...partitions], from, to]);
        return [{ x: cell }];
      },
    });
    expect(await source.days(['p1'], '2026-11-01', '2026-11-30')).toEqual([{ x: cell }]);
    expect(calls).toEqual([[['p1'], '2026-11-01', '2026-11-30']]);
  });
});
