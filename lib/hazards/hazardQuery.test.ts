import { describe, expect, it } from 'vitest';
import {
  type HazardReader,
  hazardsActiveAt,
  hazardsFirstSeenIn,
  monthsBefore,
  monthsBetween,
} from './hazardQuery.ts';
import type { HazardRecord } from './hazardRecord.ts';

const box = { minLng: -80.01, minLat: 40.43, maxLng: -79.99, maxLat: 40.45 };
const T = Date.parse('2026-12-01T12:00:00Z');

function hazard(
  id: string,
  lat: number,
  lng: number,
  firstSeenMs: number,
  clearedAtMs?: number,
): HazardRecord {
  return {
    id,
    kind: 'pothole',
    lat,
    lng,
    firstSeenMs,
    lastSeenMs: firstSeenMs,
    ...(clearedAtMs === undefined ? {} : { clearedAtMs }),
  } as HazardRecord;
}

/** Records which partitions were read, so the tests see the query plan. */
function reader(records: HazardRecord[]) {
  const calls: { active: number; months: string[][] } = { active: 0, months: [] };
  const r: HazardReader = {
    async listActive() {
      calls.active++;
      return records.filter((h) => h.clearedAtMs === undefined);
    },
    async listHistory(_areas, months) {
      calls.months.push([...months]);
      return records;
    },
  };
  return { r, calls };
}

describe('hazard queries', () => {
  it('lists the months an interval touches, across a year end', () => {
    expect(monthsBetween(Date.parse('2026-11-20T00:00:00Z'), Date.parse('2027-01-02T00:00:00Z'))).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
    ]);
    expect(monthsBetween(T, T)).toEqual(['2026-12']);
    expect(new Date(monthsBefore(Date.parse('2026-03-15T00:00:00Z'), 1)).toISOString()).toBe(
      '2026-02-15T00:00:00.000Z',
    );
  });

  it('reads the active index for now and history (a month back) for a past time', async () => {
    const inside = hazard('a', 40.44, -80.0, T - 3600_000);
    const cleared = hazard('b', 40.44, -80.0, T - 7200_000, T - 3600_000);
    const { r, calls } = reader([inside, cleared]);
    const area = { box, keep: () => true };
    expect((await hazardsActiveAt(r, area, T, T)).map((h) => h.id)).toEqual(['a']);
    expect(calls.active).toBe(1);
    const past = T - 5400_000; // 1.5 h ago only b had been raised, and it was not yet cleared
    expect((await hazardsActiveAt(r, area, past, T)).map((h) => h.id)).toEqual(['b']);
    expect(calls.months).toEqual([['2026-11', '2026-12']]);
  });

  it('keeps only hazards first seen in the interval and inside the box', async () => {
    const { r } = reader([
      hazard('in', 40.44, -80.0, T - 1000),
      hazard('early', 40.44, -80.0, T - 10 * 86_400_000),
      hazard('outside', 41, -80.0, T - 1000),
    ]);
    expect((await hazardsFirstSeenIn(r, box, T - 86_400_000, T, T)).map((h) => h.id)).toEqual(['in']);
  });
});
