import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  decodePriorTile,
  encodePriorTile,
  LOG_RATIO_STEP,
  PRIOR_TILE_ENTRY_BYTES,
  PRIOR_TILE_HEADER_BYTES,
  type PriorTileInput,
  tileCells,
  tilePriorOf,
} from './priorTile.ts';

const PARENT = cellToParent(latLngToCell(40.44, -79.99, 8), 4);

function input(n = 50): PriorTileInput {
  const children = cellToChildren(PARENT, 8);
  return {
    parent: PARENT,
    cellRes: 8,
    unit: 'hour',
    regionalRate: 1.25,
    // Every 40th child, in reverse: the encoder must sort them.
    cells: Array.from({ length: n }, (_, i) => ({
      cell: children[(n - 1 - i) * 40]!,
      logRateRatio: Math.sin(i) * 2,
      evidenceWeight: (i % 10) / 10,
    })),
  };
}

describe('prior tile', () => {
  it('round-trips every cell within the quantisation steps, at 4 bytes a cell', () => {
    const given = input();
    const bytes = encodePriorTile(given);
    expect(bytes.length).toBe(PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * given.cells.length);
    const tile = decodePriorTile(bytes);
    expect(tile.parent).toBe(PARENT);
    expect(tile.regionalRate).toBeCloseTo(1.25, 6);
    expect(tile.unit).toBe('hour');
    const back = new Map(tileCells(tile).map((c) => [c.cell, c]));
    expect(back.size).toBe(given.cells.length);
    for (const c of given.cells) {
      const got = back.get(c.cell)!;
      expect(Math.abs(got.logRateRatio - c.logRateRatio)).toBeLessThanOrEqual(LOG_RATIO_STEP / 2 + 1e-9);
      expect(Math.abs(got.evidenceWeight - c.evidenceWeight)).toBeLessThanOrEqual(0.5 / 255 + 1e-9);
      expect(tilePriorOf(tile, c.cell)).toEqual({
        logRateRatio: got.logRateRatio,
        evidenceWeight: got.evidenceWeight,
      });
    }
  });

  it('has nothing for a child it does not list, nor for a cell of another parent', () => {
    const tile = decodePriorTile(encodePriorTile(input()));
    expect(tilePriorOf(tile, cellToChildren(PARENT, 8)[1]!)).toBeUndefined();
    expect(tilePriorOf(tile, latLngToCell(48.85, 2.35, 8))).toBeUndefined();
  });

  it('encodes an empty tile (a region with no cell meeting k)', () => {
    const tile = decodePriorTile(encodePriorTile({ ...input(), cells: [] }));
    expect(tile.positions.length).toBe(0);
  });

  it('refuses cells outside the parent or duplicated', () => {
    const outside = { cell: latLngToCell(48.85, 2.35, 8), logRateRatio: 0, evidenceWeight: 0 };
    expect(() => encodePriorTile({ ...input(), cells: [outside] })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    const one = input(1).cells[0]!;
    expect(() => encodePriorTile({ ...input(), cells: [one, one] })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('rejects bytes that are not a well-formed tile', () => {
    const good = encodePriorTile(input(3));
    const variants: Uint8Array[] = [
      good.slice(0, 10),
      good.slice(0, good.length - 1),
      Uint8Array.from(good, (b, i) => (i === 0 ? 0x58 : b)),
      Uint8Array.from(good, (b, i) => (i === 4 ? 2 : b)),
      Uint8Array.from(good, (b, i) => (i === 9 ? b ^ 0xff : b)),
    ];
    // Child positions out of order: swap the first two entries' positions.
    const swapped = good.slice();
    swapped.set(
      good.subarray(PRIOR_TILE_HEADER_BYTES + 4, PRIOR_TILE_HEADER_BYTES + 6),
      PRIOR_TILE_HEADER_BYTES,
    );
    swapped.set(
      good.subarray(PRIOR_TILE_HEADER_BYTES, PRIOR_TILE_HEADER_BYTES + 2),
      PRIOR_TILE_HEADER_BYTES + 4,
    );
    variants.push(swapped);
    for (const v of variants)
      expect(() => decodePriorTile(v)).toThrow(expect.objectContaining({ code: 'BAD_TILE' }));
  });
});
