import { describe, expect, it } from 'vitest';
import { clipBox, type Detection, iou, nonMaxSuppression } from './detection.ts';

const det = (className: string, score: number, x: number, y: number, w: number, h: number): Detection => ({
  className,
  score,
  box: { x, y, w, h },
});

describe('iou', () => {
  it('is one for the same box and zero for disjoint or empty boxes', () => {
    const a = { x: 10, y: 10, w: 20, h: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 40, y: 10, w: 5, h: 5 })).toBe(0);
    expect(iou(a, { x: 10, y: 10, w: 0, h: 10 })).toBe(0);
  });

  it('is intersection over union for a half-shifted box', () => {
    expect(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 })).toBeCloseTo(1 / 3, 12);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping boxes across classes and every separate box', () => {
    const kept = nonMaxSuppression(
      [
        det('truck', 0.6, 102, 100, 50, 40),
        det('car', 0.9, 100, 100, 50, 40),
        det('car', 0.5, 300, 100, 50, 40),
      ],
      0.45,
    );
    expect(kept.map((d) => [d.className, d.score])).toEqual([
      ['car', 0.9],
      ['car', 0.5],
    ]);
  });

  it('keeps two neighbours whose overlap is below the threshold', () => {
    const kept = nonMaxSuppression([det('car', 0.9, 0, 0, 10, 10), det('car', 0.8, 6, 0, 10, 10)], 0.45);
    expect(kept).toHaveLength(2);
  });
});

describe('clipBox', () => {
  it('cuts a box reaching past the border to the image', () => {
    expect(clipBox({ x: -10, y: 700, w: 50, h: 40 }, 1280, 720)).toEqual({ x: 0, y: 700, w: 40, h: 20 });
  });
});
