import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { DayCell } from '../insights/dayRollup.ts';
import type { PriorTileCandidate } from './buildPriorTile.ts';
import { memoryPriorsSource } from './memoryPriorsSource.ts';
import { runPriorsJob } from './priorsJob.ts';

const REGION = cellToParent(latLngToCell(40.44, -79.99, 8), 4);
const ELSEWHERE = cellToParent(latLngToCell(48.14, 11.58, 8), 4);
const NOW = Date.parse('2026-12-01T03:00:00Z');

function source() {
  const days = new Map<string, Record<string, DayCell>>();
  for (const day of ['2026-08-01', '2026-11-20', '2026-11-30', '2026-12-01']) {
    const cells: Record<string, DayCell> = {};
    for (const c of cellToChildren(REGION, 8).slice(0, 3))
      cells[cellToChildren(c, 10)[0]!] = {
        passes: 50,
        exposureM: 5000,
        brakes: 0,
        nearMisses: 1,
        speeds: { '10': 50 },
        cameras: 6,
      };
    days.set(day, cells);
  }
  return memoryPriorsSource(days);
}

describe('runPriorsJob', () => {
  it('stores one unsigned candidate per region with cells, over the last 90 complete days', async () => {
    const stored: [string, PriorTileCandidate][] = [];
    const report = await runPriorsJob(
      source(),
      { putCandidate: async (r, c) => void stored.push([r, c]) },
      { regions: [REGION, ELSEWHERE], nowMs: NOW },
    );
    expect(report).toEqual({
      built: [{ region: REGION, version: '2026.1130.0', cells: 3 }],
      empty: [ELSEWHERE],
    });
    expect(stored).toHaveLength(1);
    const [, c] = stored[0]!;
    // 2026-08-01 is more than 90 days back and 2026-12-01 is today (incomplete): two days count.
    expect(c.provenance).toMatchObject({ from: '2026-09-02', to: '2026-11-30', exposureKm: 30 });
    expect(c.createdAt).toBe('2026-12-01T03:00:00.000Z');
  });
});
