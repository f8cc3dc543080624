import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { BaselineItem } from '../stream/applyRecords.ts';
import type { EpochMinute } from '../time/epochMinute.ts';
import { type BaselineRollupDeps, rollupBaselines } from './baselineRollup.ts';
import type { BucketEntry } from './slidingWindow.ts';

const cell = latLngToCell(40.44, -79.99, 10);
const HOUR = 490_000; // an epoch hour
const entry = (minute: number, kind: BucketEntry['kind'], pseudonyms: string[]): BucketEntry => ({
  kind,
  cell,
  sector: 2,
  minute: minute as EpochMinute,
  pseudonyms,
});

/** In-memory repositories that remember what was applied (once per partition and hour). */
function world(dirty: Map<number, string[]>, entries: BucketEntry[]) {
  const applied = new Map<string, BaselineItem>();
  const deps: BaselineRollupDeps = {
    detector: { maxLatenessMinutes: 60 },
    buckets: {
      readPartitions: async (_p, from, to) => entries.filter((e) => e.minute >= from && e.minute <= to),
    },
    baselines: {
      dirtyPartitions: async (hour) => dirty.get(hour) ?? [],
      applyHour: async (partition, _how, hour, counts) => {
        const key = `${partition}#${hour}`;
        if (applied.has(key)) return false;
        applied.set(key, counts);
        return true;
      },
    },
  };
  return { deps, applied };
}

describe('rollupBaselines', () => {
  it('rolls up closed hours only, each once, counting braking and passing cameras per cell and sector', async () => {
    const dirty = new Map([
      [HOUR, ['p']],
      [HOUR + 2, ['p']],
    ]);
    const { deps, applied } = world(dirty, [
      entry(HOUR * 60 + 5, 'brake', ['a']),
      entry(HOUR * 60 + 6, 'pass', ['a', 'b', 'c']),
      entry((HOUR + 2) * 60 + 1, 'brake', ['z']),
    ]);
    // Now: the start of HOUR + 3, lateness 60 min: HOUR and HOUR + 1 are closed, HOUR + 2 is not.
    const now = (HOUR + 3) * 3600_000;
    expect(await rollupBaselines(deps, now)).toEqual({ hours: 1, partitions: 1, applied: 1 });
    expect([...applied.keys()]).toEqual([`p#${HOUR}`]);
    expect(applied.get(`p#${HOUR}`)!.get(`${cell}_2`)).toEqual({ signals: 1, passers: 3 });
    // Run again: nothing applied twice.
    expect(await rollupBaselines(deps, now)).toEqual({ hours: 1, partitions: 1, applied: 0 });
  });
});
