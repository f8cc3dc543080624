import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { EpochMinute } from '../time/epochMinute.ts';
import { BucketIndex } from './bucketIndex.ts';

const cell = latLngToCell(40.4443, -79.9436, 10);
const minute = 29_000_000 as EpochMinute;
const entry = (pseudonyms: string[], sector: 2 | 6 = 2) => ({
  kind: 'pass' as const,
  cell,
  minute,
  sector,
  pseudonyms,
});

describe('BucketIndex.holds', () => {
  it('holds a delta whose cameras are all in the bucket already, merged over several adds', () => {
    const index = new BucketIndex().add([entry(['a'])]).add([entry(['b'])]);
    expect(index.holds({ ...entry([]), pseudonyms: new Set(['a', 'b']), lastTsMs: 0 })).toBe(true);
  });

  it('does not hold a delta with one new camera, or one of another sector, minute or kind', () => {
    const index = new BucketIndex().add([entry(['a', 'b'])]);
    expect(index.holds({ ...entry([]), pseudonyms: new Set(['a', 'c']), lastTsMs: 0 })).toBe(false);
    expect(index.holds({ ...entry([], 6), pseudonyms: new Set(['a']), lastTsMs: 0 })).toBe(false);
    expect(
      index.holds({
        ...entry([]),
        minute: (minute + 1) as EpochMinute,
        pseudonyms: new Set(['a']),
        lastTsMs: 0,
      }),
    ).toBe(false);
    expect(index.holds({ ...entry([]), kind: 'brake', pseudonyms: new Set(['a']), lastTsMs: 0 })).toBe(false);
  });
});
