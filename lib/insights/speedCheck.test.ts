import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type SpeedHourItem, speedCheck } from './speedCheck.ts';

const cell = latLngToCell(40.45, -79.98, 10);
const ring = gridDisk(cell, 1);
const week = 168;

describe('speed check', () => {
  it('ranks a claim among the speeds of the same hour of week over several weeks', () => {
    const items: SpeedHourItem[] = [0, 1, 2].map((w) => ({
      epochHour: 500_000 + w * week,
      cells: { [cell]: { cameras: 2, speeds: { '10': 1, '14': 1 } } },
    }));
    const r = speedCheck({ items, cell, neighbours: ring, claimedSpeedMps: 12, k: 5 });
    expect(r).toMatchObject({
      withheld: false,
      scope: 'cell',
      sampleSize: 6,
      cameraDays: 6,
      percentileRank: 50,
    });
  });

  it('pools the neighbours, counting a day’s shared cameras once, and withholds below k', () => {
    const neighbour = ring.find((c) => c !== cell)!;
    const items: SpeedHourItem[] = [0, 1].map((w) => ({
      epochHour: 500_000 + w * week,
      cells: {
        [cell]: { cameras: 2, speeds: { '10': 2 } },
        [neighbour]: { cameras: 3, speeds: { '11': 3 } },
      },
    }));
    const pooled = speedCheck({ items, cell, neighbours: ring, claimedSpeedMps: 12, k: 5 });
    expect(pooled).toMatchObject({ withheld: false, scope: 'neighbourhood', cameraDays: 6, sampleSize: 10 });
    expect(speedCheck({ items, cell, neighbours: ring, claimedSpeedMps: 12, k: 7 }).withheld).toBe(true);
  });
});
