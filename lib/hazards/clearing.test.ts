import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type EpochMinute, epochMinute } from '../time/epochMinute.ts';
import { BucketIndex } from './bucketIndex.ts';
import { CLEAR_AFTER_PASSERS, hazardsToClear } from './clearing.ts';
import { type HazardRecord, STALE_AFTER_MS } from './hazardRecord.ts';
import type { BucketEntry } from './slidingWindow.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const CELL = latLngToCell(40.4443, -79.9436, 10);
const hazard: HazardRecord = {
  id: 'hz_test',
  kind: 'slowdown_or_obstruction',
  signal: 'brake',
  cell: CELL,
  sector: 2,
  lat: 40.4443,
  lng: -79.9436,
  firstSeenMs: NOW - 15 * 60_000,
  lastSeenMs: NOW - 10 * 60_000,
  cameras: 10,
  confidence: 0.8,
};
const lastSeenMinute = epochMinute(hazard.lastSeenMs);

function entry(
  kind: BucketEntry['kind'],
  minutesAfter: number,
  pseudonyms: string[],
  sector: BucketEntry['sector'] = 2,
) {
  return { kind, cell: CELL, sector, minute: (lastSeenMinute + minutesAfter) as EpochMinute, pseudonyms };
}

const clear = (entries: BucketEntry[], h = hazard, nowMs = NOW) =>
  hazardsToClear({ active: [h], index: new BucketIndex().add(entries), neighbourRings: 1, nowMs });

describe('hazardsToClear', () => {
  it('clears an obstruction once four cameras pass after the last brake without braking', () => {
    const cleared = clear([entry('pass', 1, ['a', 'b']), entry('pass', 3, ['c', 'd'])]);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.clearedAtMs).toBe((lastSeenMinute + 3) * 60_000);
    expect(CLEAR_AFTER_PASSERS.slowdown_or_obstruction).toBe(4);
  });

  it('does not count passers who braked', () => {
    expect(clear([entry('pass', 1, ['a', 'b', 'c', 'd']), entry('brake', 1, ['a'])])).toEqual([]);
  });

  it('ignores passers on the other carriageway', () => {
    expect(clear([entry('pass', 1, ['a', 'b', 'c', 'd'], 6)])).toEqual([]);
  });

  it('clears a hazard with no evidence for its staleness period, at last evidence plus staleness', () => {
    const later = hazard.lastSeenMs + STALE_AFTER_MS.slowdown_or_obstruction + 1;
    expect(clear([], hazard, later)[0]!.clearedAtMs).toBe(
      hazard.lastSeenMs + STALE_AFTER_MS.slowdown_or_obstruction,
    );
  });

  it('keeps a pothole through a few clean passes: most wheels miss it', () => {
    const pothole = { ...hazard, kind: 'pothole' as const, signal: 'pothole' as const };
    expect(clear([entry('pass', 1, ['a', 'b', 'c', 'd', 'e', 'f'])], pothole)).toEqual([]);
  });
});
