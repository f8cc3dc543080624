import { describe, expect, it } from 'vitest';
import type { PerceptionError } from '../perceptionError.ts';
import { decodeFastestDet } from './fastestDet.ts';
import { decodeYoloxNano } from './yoloxNano.ts';

const logit = (p: number): number => Math.log(p / (1 - p));
const CAR = 2;

describe('decodeFastestDet', () => {
  it('turns one confident grid cell into a car box in original-image pixels', () => {
    const g = 22;
    const cells = g * g;
    const data = new Float32Array(85 * cells);
    const c = 10 * g + 5; // row 10, column 5
    data[c] = 0.9;
    data[cells + c] = 0; // tanh(0) = 0: centre at the cell's corner
    data[2 * cells + c] = 0;
    data[3 * cells + c] = logit(0.2);
    data[4 * cells + c] = logit(0.1);
    data[(5 + CAR) * cells + c] = 0.8;
    const geometry = { scaleX: 352 / 1280, scaleY: 352 / 720 };
    const [d, ...rest] = decodeFastestDet({ data, dims: [1, 85, 22, 22] }, geometry, 0.5);
    expect(rest).toHaveLength(0);
    expect(d?.className).toBe('car');
    expect(d?.score).toBeCloseTo(0.9 ** 0.6 * 0.8 ** 0.4, 6);
    expect(d?.box.x).toBeCloseTo((5 / 22 - 0.1) * 1280, 3);
    expect(d?.box.y).toBeCloseTo((10 / 22 - 0.05) * 720, 3);
    expect(d?.box.w).toBeCloseTo(0.2 * 1280, 3);
    expect(d?.box.h).toBeCloseTo(0.1 * 720, 3);
  });

  it('drops cells below the score threshold', () => {
    const data = new Float32Array(85 * 484);
    data[0] = 0.2;
    data[5 * 484] = 0.2;
    expect(decodeFastestDet({ data, dims: [1, 85, 22, 22] }, { scaleX: 1, scaleY: 1 }, 0.5)).toEqual([]);
  });

  it('refuses an output of another shape', () => {
    expect(() =>
      decodeFastestDet({ data: new Float32Array(10), dims: [1, 10] }, { scaleX: 1, scaleY: 1 }, 0.5),
    ).toThrowError(expect.objectContaining({ code: 'BAD_MODEL_OUTPUT' }) as PerceptionError);
  });
});

describe('decodeYoloxNano', () => {
  it('decodes an anchor point of the stride-16 level through the letterbox scale', () => {
    const data = new Float32Array(3549 * 85);
    const anchor = 52 * 52 + 2 * 26 + 3; // stride 16, gx 3, gy 2
    const p = anchor * 85;
    data.set([0.5, 0.5, Math.log(4), Math.log(2), 0.9], p);
    data[p + 5 + CAR] = 0.8;
    const r = 416 / 1280;
    const [d, ...rest] = decodeYoloxNano({ data, dims: [1, 3549, 85] }, { scaleX: r, scaleY: r }, 0.3);
    expect(rest).toHaveLength(0);
    expect(d?.className).toBe('car');
    expect(d?.score).toBeCloseTo(0.72, 6);
    // Centre (3.5·16, 2.5·16) = (56, 40), size 64 × 32 in the 416² input.
    expect(d?.box.x).toBeCloseTo(24 / r, 3);
    expect(d?.box.y).toBeCloseTo(24 / r, 3);
    expect(d?.box.w).toBeCloseTo(64 / r, 3);
    expect(d?.box.h).toBeCloseTo(32 / r, 3);
  });

  it('refuses an output of another shape', () => {
    expect(() =>
      decodeYoloxNano({ data: new Float32Array(85), dims: [1, 1, 85] }, { scaleX: 1, scaleY: 1 }, 0.3),
    ).toThrowError(expect.objectContaining({ code: 'BAD_MODEL_OUTPUT' }) as PerceptionError);
  });
});
