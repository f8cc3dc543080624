import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EpochMinute } from '../time/epochMinute.ts';
import { sectorGroup } from './headingSector.ts';
import {
  type BucketEntry,
  inWindow,
  lastWindowEndHolding,
  slidingWindowCounts,
  windowStartMinute,
} from './slidingWindow.ts';

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

describe('window arithmetic', () => {
  it('holds exactly sizeMinutes minutes, the end included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e8 }), fc.integer({ min: 1, max: 240 }), (end, size) => {
        let held = 0;
        for (let minute = end - size - 5; minute <= end + 5; minute++)
          if (inWindow(minute, end, size)) held++;
        expect(held).toBe(size);
        expect(inWindow(end, end, size)).toBe(true);
        expect(inWindow(windowStartMinute(end, size), end, size)).toBe(true);
        expect(inWindow(windowStartMinute(end, size) - 1, end, size)).toBe(false);
      }),
    );
  });

  it('names the last window end that still sees a minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e8 }), fc.integer({ min: 1, max: 240 }), (minute, size) => {
        const last = lastWindowEndHolding(minute, size);
        expect(inWindow(minute, last, size)).toBe(true);
        expect(inWindow(minute, last + 1, size)).toBe(false);
      }),
    );
  });

  it('agrees with the counts: evidence is counted in exactly the windows that hold its minute', () => {
    const counts = slidingWindowCounts([entry(100, ['a'])], sectorGroup(2), m(95), m(125), 20);
    for (const w of counts) expect(w.pseudonyms.size === 1).toBe(inWindow(100, w.end, 20));
  });
});
