import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EpochMinute } from '../time/epochMinute.ts';
import { sectorGroup } from './headingSector.ts';
import { type BucketEntry, slidingWindowCounts } from './slidingWindow.ts';

const m = (n: number) => n as EpochMinute;
const entry = (minute: number, pseudonyms: string[], sector: BucketEntry['sector'] = 2): BucketEntry => ({
  kind: 'brake',
  cell: '8a2a1072b59ffff',
  sector,
  minute: m(minute),
  pseudonyms,
});

describe('slidingWindowCounts', () => {
  it('counts a camera once however often it appears in the window', () => {
    const counts = slidingWindowCounts(
      [entry(100, ['a']), entry(101, ['a', 'b'])],
      sectorGroup(2),
      m(101),
      m(101),
      20,
    );
    expect(counts[0]!.pseudonyms.size).toBe(2);
  });

  it('drops evidence older than the window', () => {
    const counts = slidingWindowCounts(
      [entry(100, ['a']), entry(120, ['b'])],
      sectorGroup(2),
      m(119),
      m(120),
      20,
    );
    expect(counts.map((c) => c.pseudonyms.size)).toEqual([1, 1]);
    expect([...counts[1]!.pseudonyms]).toEqual(['b']);
  });

  it('ignores the opposite direction', () => {
    const counts = slidingWindowCounts(
      [entry(100, ['a'], 2), entry(100, ['b'], 6)],
      sectorGroup(2),
      m(100),
      m(100),
      20,
    );
    expect([...counts[0]!.pseudonyms]).toEqual(['a']);
  });

  it('equals the union of its buckets for any entries (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 40 }),
            cams: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 3 }),
          }),
        ),
        fc.integer({ min: 0, max: 40 }),
        (raw, end) => {
          const entries = raw.map((r) => entry(r.minute, r.cams));
          const [w] = slidingWindowCounts(entries, sectorGroup(2), m(end), m(end), 20);
          const expected = new Set(
            raw.filter((r) => r.minute > end - 20 && r.minute <= end).flatMap((r) => r.cams),
          );
          expect(w!.pseudonyms).toEqual(expected);
        },
      ),
    );
  });
});
