import fc from 'fast-check';
import { cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { contributionsOf, MAX_TRAVERSAL_M, MEAN_TRAVERSAL_M, traversalM } from './contributions.ts';
import { foldDay, type RawContribution } from './dayRollup.ts';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function record(
  pseudonym: string,
  n: number,
  opts: { brakeAt?: number; idBase?: number } = {},
): StreamRecord {
  const base = opts.idBase ?? 0;
  const path = Array.from({ length: n }, (_, i) => ({
    cell: latLngToCell(40.45, -79.98 + i * 0.0018, 10),
    ts: new Date(T0 + i * 10_000).toISOString(),
    speedMps: 10 + i,
    heading: 90,
  }));
  const events: StreamRecord['events'] = [
    {
      id: uuid(base + 1),
      type: 'trip',
      ts: path.at(-1)!.ts,
      lat: 40.45,
      lng: -79.98,
      tripId: uuid(base + 2),
      seq: 0,
      final: false,
      path,
      distanceM: 100 * n,
    },
  ];
  if (opts.brakeAt !== undefined) {
    events.push({
      id: uuid(base + 3),
      type: 'hard_brake',
      ts: path[opts.brakeAt]!.ts,
      lat: 40.45,
      lng: -79.98 + opts.brakeAt * 0.0018,
      decelMps2: 5,
    });
  }
  return { v: 1, pseudonym, batchKey: `bk-${pseudonym}`, events };
}

describe('per-record contributions', () => {
  it('spreads a segment’s distance over its cells, capped at a hexagon’s longest chord', () => {
    expect(traversalM(300, 3)).toBe(100);
    expect(traversalM(10_000, 2)).toBe(MAX_TRAVERSAL_M);
    expect(traversalM(0, 4)).toBe(MEAN_TRAVERSAL_M);
    expect(MEAN_TRAVERSAL_M).toBeGreaterThan(100);
    expect(MEAN_TRAVERSAL_M).toBeLessThan(106);
  });

  it('groups one record by res-8 partition and hour, with a key that does not depend on event order', () => {
    const r = record('p'.repeat(16), 4, { brakeAt: 1 });
    const out = contributionsOf(r);
    for (const c of out) {
      for (const cell of Object.keys(c.cells)) expect(cellToParent(cell, 8)).toBe(c.partition);
      expect(c.epochHour).toBe(Math.floor(T0 / 3600_000));
    }
    const total = out.flatMap((c) => Object.values(c.cells));
    expect(total.reduce((s, c) => s + c.passes, 0)).toBe(4);
    expect(total.reduce((s, c) => s + c.brakes, 0)).toBe(1);
    const shuffled = { ...r, events: [...r.events].reverse() };
    expect(contributionsOf(shuffled).map((c) => c.recordKey)).toEqual(out.map((c) => c.recordKey));
  });
});

describe('the day fold', () => {
  const raws = (records: StreamRecord[]): RawContribution[] =>
    records
      .flatMap(contributionsOf)
      .map((c) => ({ epochHour: c.epochHour, pseudonym: c.pseudonym, cells: c.cells }));

  it('counts a camera once per cell and day however many records it sent', () => {
    const a = 'a'.repeat(16);
    const day = foldDay(raws([record(a, 3), record(a, 3, { idBase: 10 }), record('b'.repeat(16), 3)]));
    for (const c of Object.values(day.cells)) {
      expect(c.cameras).toBe(2);
      expect(c.passes).toBe(3);
    }
    expect(JSON.stringify(day)).not.toContain(a);
  });

  it('gives the same aggregates whatever the order of the raw items', () => {
    const all = raws(
      Array.from({ length: 6 }, (_, i) =>
        record(String(i).repeat(16), 3, { brakeAt: i % 3, idBase: i * 10 }),
      ),
    );
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (perm) => {
        const a = foldDay(all);
        const b = foldDay(perm);
        expect(b.cells).toEqual(a.cells);
        expect(Object.fromEntries(b.hours)).toEqual(Object.fromEntries(a.hours));
      }),
      { numRuns: 30 },
    );
  });
});
