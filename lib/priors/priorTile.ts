import { cellToChildPos, cellToParent, childPosToCell, getResolution, isValidCell } from 'h3-js';
import type { ExposureUnit } from './cellPriors.ts';
import { PriorsError } from './priorsError.ts';

/**
 * The conflict-prior tile: the priors of the res-8 cells of one parent cell (the area a camera
 * drives in), as compact bytes for the over-the-air channel. Portable (the camera decodes it
 * inside QuickJS: DataView and h3-js only). The signature is the manifest's (lib/contract/
 * artefact.ts, kind `conflict_priors`); the decoder only guards against bytes that cannot be a
 * tile, never against forgery — a camera decodes only bytes `verifyArtefact` accepted.
 *
 * Layout (big-endian), 22 bytes of header then 4 bytes per cell:
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | magic `DNCP` |
 * | 4 | 1 | format version (1) |
 * | 5 | 1 | parent resolution |
 * | 6 | 1 | cell resolution (8) |
 * | 7 | 1 | rate unit: 0 per hour of driving, 1 per 100 km |
 * | 8 | 8 | parent H3 index |
 * | 16 | 4 | regional near misses per unit, float32 (informational) |
 * | 20 | 2 | number of cells n |
 * | 22 | 4·n | per cell, by increasing child position: child position u16, log rate ratio int8 (× 1/32), evidence weight u8 (× 1/255) |
 *
 * A cell is named by its position among its parent's children (h3 `cellToChildPos`), not by its
 * 8-byte index: 2 bytes instead of 8. The log rate ratio's step of 1/32 (3 % in rate) is far
 * below what a shrunk estimate can tell apart; its range ±4 (×55) is beyond any road's.
 */
export const PRIOR_TILE_MAGIC = 'DNCP';
/** Format version in byte 4; a decoder refuses any other. */
export const PRIOR_TILE_VERSION = 1;
/** Bytes before the first cell entry. */
export const PRIOR_TILE_HEADER_BYTES = 22;
/** Bytes per cell entry. */
export const PRIOR_TILE_ENTRY_BYTES = 4;
/** Quantisation step of the log rate ratio. */
export const LOG_RATIO_STEP = 1 / 32;
/** Byte 7 of the header. */
const UNIT_CODES: readonly ExposureUnit[] = ['hour', '100km'];
/** A u16 child position holds at most 7⁵ = 16,807 children: the parent at most 5 levels up. */
const MAX_LEVELS = 5;

/** One cell's prior as the camera uses it. */
export interface TilePrior {
  /** ln(cell rate / regional rate), quantised to {@link LOG_RATIO_STEP}. */
  logRateRatio: number;
  /** Credibility weight in [0, 1], quantised to 1/255. */
  evidenceWeight: number;
}

/** A decoded tile: sorted child positions and their quantised priors. */
export interface PriorTile {
  parent: string;
  parentRes: number;
  cellRes: number;
  /** What the regional rate is per. */
  unit: ExposureUnit;
  regionalRate: number;
  /** Child positions, strictly increasing. */
  positions: Uint16Array;
  /** Log rate ratios in steps of {@link LOG_RATIO_STEP}, aligned with `positions`. */
  logRatioSteps: Int8Array;
  /** Evidence weights in 1/255, aligned with `positions`. */
  weightSteps: Uint8Array;
}

/** What {@link encodePriorTile} takes: the parent, the cell resolution and per-cell priors. */
export interface PriorTileInput {
  parent: string;
  cellRes: number;
  unit: ExposureUnit;
  regionalRate: number;
  cells: readonly ({ cell: string } & TilePrior)[];
}

function cellBytes(cell: string): Uint8Array {
  const hex = cell.padStart(16, '0');
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function cellOfBytes(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex.replace(/^0+/, '');
}

/**
 * Encodes the priors of `parent`'s children at `cellRes`. Cells outside the parent or at another
 * resolution are an error (a tile never carries what it cannot place).
 *
 * @throws PriorsError `BAD_INPUT`
 */
export function encodePriorTile(input: PriorTileInput): Uint8Array {
  const { parent, cellRes } = input;
  if (!isValidCell(parent)) throw new PriorsError('BAD_INPUT', `parent ${parent} is not an H3 cell`);
  const parentRes = getResolution(parent);
  if (cellRes <= parentRes || cellRes - parentRes > MAX_LEVELS)
    throw new PriorsError(
      'BAD_INPUT',
      `cell resolution ${cellRes} must be 1–${MAX_LEVELS} below the parent's ${parentRes}`,
    );
  const rows = input.cells.map((c) => {
    if (
      !isValidCell(c.cell) ||
      getResolution(c.cell) !== cellRes ||
      cellToParent(c.cell, parentRes) !== parent
    )
      throw new PriorsError('BAD_INPUT', `cell ${c.cell} is not a res-${cellRes} child of ${parent}`);
    return {
      pos: cellToChildPos(c.cell, parentRes),
      lrr: Math.max(-128, Math.min(127, Math.round(c.logRateRatio / LOG_RATIO_STEP))),
      w: Math.max(0, Math.min(255, Math.round(c.evidenceWeight * 255))),
    };
  });
  rows.sort((a, b) => a.pos - b.pos);
  for (let i = 1; i < rows.length; i++)
    if (rows[i]!.pos === rows[i - 1]!.pos) throw new PriorsError('BAD_INPUT', 'a cell appears twice');
  if (rows.length > 0xffff) throw new PriorsError('BAD_INPUT', 'too many cells for one tile');
  const out = new Uint8Array(PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * rows.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = PRIOR_TILE_MAGIC.charCodeAt(i);
  out[4] = PRIOR_TILE_VERSION;
  out[5] = parentRes;
  out[6] = cellRes;
  out.set(cellBytes(parent), 8);
  out[7] = UNIT_CODES.indexOf(input.unit);
  view.setFloat32(16, input.regionalRate);
  view.setUint16(20, rows.length);
  rows.forEach((r, i) => {
    const at = PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * i;
    view.setUint16(at, r.pos);
    view.setInt8(at + 2, r.lrr);
    view.setUint8(at + 3, r.w);
  });
  return out;
}

/**
 * Decodes tile bytes. Rejects anything that is not a well-formed tile: wrong magic or version,
 * a length that does not match the count, a parent that is not an H3 cell, child positions not
 * strictly increasing or beyond the parent's children.
 *
 * @throws PriorsError `BAD_TILE`
 */
export function decodePriorTile(bytes: Uint8Array): PriorTile {
  const bad = (why: string) => new PriorsError('BAD_TILE', `not a conflict-prior tile: ${why}`);
  if (bytes.length < PRIOR_TILE_HEADER_BYTES) throw bad('too short');
  for (let i = 0; i < 4; i++) if (bytes[i] !== PRIOR_TILE_MAGIC.charCodeAt(i)) throw bad('magic');
  if (bytes[4] !== PRIOR_TILE_VERSION) throw bad(`format version ${bytes[4]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parentRes = bytes[5]!;
  const cellRes = bytes[6]!;
  const parent = cellOfBytes(bytes.subarray(8, 16));
  if (!isValidCell(parent) || getResolution(parent) !== parentRes) throw bad('parent cell');
  if (cellRes <= parentRes || cellRes - parentRes > MAX_LEVELS || cellRes > 15) throw bad('cell resolution');
  const n = view.getUint16(20);
  if (bytes.length !== PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * n) throw bad('length');
  const unit = UNIT_CODES[bytes[7]!];
  if (!unit) throw bad('rate unit');
  const regional = view.getFloat32(16);
  if (!Number.isFinite(regional) || regional < 0) throw bad('regional rate');
  const maxPos = 7 ** (cellRes - parentRes);
  const positions = new Uint16Array(n);
  const logRatioSteps = new Int8Array(n);
  const weightSteps = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = PRIOR_TILE_HEADER_BYTES + PRIOR_TILE_ENTRY_BYTES * i;
    const pos = view.getUint16(at);
    if (pos >= maxPos || (i > 0 && pos <= positions[i - 1]!)) throw bad('child positions');
    positions[i] = pos;
    logRatioSteps[i] = view.getInt8(at + 2);
    weightSteps[i] = view.getUint8(at + 3);
  }
  return {
    parent,
    parentRes,
    cellRes,
    unit,
    regionalRate: regional,
    positions,
    logRatioSteps,
    weightSteps,
  };
}

/** The prior of `cell` (at the tile's cell resolution) in `tile`, or undefined when the tile has none. */
export function tilePriorOf(tile: PriorTile, cell: string): TilePrior | undefined {
  if (getResolution(cell) !== tile.cellRes || cellToParent(cell, tile.parentRes) !== tile.parent)
    return undefined;
  const pos = cellToChildPos(cell, tile.parentRes);
  let lo = 0;
  let hi = tile.positions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = tile.positions[mid]!;
    if (p === pos)
      return {
        logRateRatio: tile.logRatioSteps[mid]! * LOG_RATIO_STEP,
        evidenceWeight: tile.weightSteps[mid]! / 255,
      };
    if (p < pos) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Every cell of a tile with its prior, by child position (for inspection and tests). */
export function tileCells(tile: PriorTile): ({ cell: string } & TilePrior)[] {
  return Array.from(tile.positions, (pos, i) => ({
    cell: childPosToCell(pos, tile.parent, tile.cellRes),
    logRateRatio: tile.logRatioSteps[i]! * LOG_RATIO_STEP,
    evidenceWeight: tile.weightSteps[i]! / 255,
  }));
}
