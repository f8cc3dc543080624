import fc from 'fast-check';
import { cellToChildren, getPentagons, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  decodePriorTile,
  encodePriorTile,
  LOG_RATIO_STEP,
  PRIOR_TILE_ENTRY_BYTES,
  PRIOR_TILE_HEADER_BYTES,
  tilePriorOf,
} from './priorTile.ts';

/** Parents at res 4 and 5 in a few places, and a res-4 pentagon (2,001 children instead of 2,401). */
const PARENTS = [
  latLngToCell(40.44, -79.99, 4),
  latLngToCell(-33.87, 151.21, 5),
  latLngToCell(64.7, 10.5, 4),
  getPentagons(4)[0]!,
];

describe('prior tile (property)', () => {
  it('decodes every cell it encoded, within half a step, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PARENTS),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          {
            maxLength: 60,
          },
        ),
        (parent, picks) => {
          const children = cellToChildren(parent, 8);
          const cells = new Map<string, { logRateRatio: number; evidenceWeight: number }>();
          for (const [i, lrr, w] of picks)
            cells.set(children[i % children.length]!, { logRateRatio: lrr, evidenceWeight: w });
          const bytes = encodePriorTile({
            parent,
            cellRes: 8,
            unit: '100km',
            regionalRate: 2,
            cells: [...cells].map(([cell, p]) => ({ cell, ...p })),
          });
          expect(bytes.length).toBe(PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * cells.size);
          const tile = decodePriorTile(bytes);
          for (const [cell, p] of cells) {
            const got = tilePriorOf(tile, cell)!;
            const clamped = Math.max(-128 * LOG_RATIO_STEP, Math.min(127 * LOG_RATIO_STEP, p.logRateRatio));
            expect(Math.abs(got.logRateRatio - clamped)).toBeLessThanOrEqual(LOG_RATIO_STEP / 2 + 1e-12);
            expect(Math.abs(got.evidenceWeight - p.evidenceWeight)).toBeLessThanOrEqual(0.5 / 255 + 1e-12);
          }
          const absent = children.find((c) => !cells.has(c));
          if (absent) expect(tilePriorOf(tile, absent)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
