import { describe, expect, it } from 'vitest';
import type { RgbImage } from './detection.ts';
import type { PerceptionError } from './perceptionError.ts';
import { letterboxToTensor, stretchToTensor } from './preprocess.ts';

/** A w×h image whose pixel (x, y) is (x, y, 200). */
function ramp(width: number, height: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb.set([x, y, 200], (y * width + x) * 3);
  }
  return { width, height, rgb };
}

describe('stretchToTensor', () => {
  it('averages pixel areas into BGR planes and records per-axis scales', () => {
    const t = stretchToTensor(ramp(8, 4), 4, 1);
    const plane = 16;
    // Output pixel (0, 0) covers source x 0..1 and y 0: mean R = 0.5, G = 0.
    expect(t.data[2 * plane]).toBeCloseTo(0.5, 6);
    expect(t.data[plane]).toBeCloseTo(0, 6);
    expect(t.data[0]).toBeCloseTo(200, 6);
    // Output pixel (3, 3) covers source x 6..7, y 3: R = 6.5, G = 3.
    expect(t.data[2 * plane + 15]).toBeCloseTo(6.5, 6);
    expect(t.data[plane + 15]).toBeCloseTo(3, 6);
    expect(t.geometry).toEqual({ scaleX: 0.5, scaleY: 1 });
  });

  it('applies the value scale', () => {
    expect(stretchToTensor(ramp(4, 4), 4, 1 / 255).data[0]).toBeCloseTo(200 / 255, 6);
  });

  it('refuses an image whose byte count does not match its size', () => {
    const bad = { width: 4, height: 4, rgb: new Uint8Array(10) };
    expect(() => stretchToTensor(bad, 4, 1)).toThrowError(
      expect.objectContaining({ code: 'BAD_IMAGE' }) as PerceptionError,
    );
  });
});

describe('letterboxToTensor', () => {
  it('keeps the aspect ratio in the top-left corner and pads the rest', () => {
    const t = letterboxToTensor(ramp(8, 4), 4, 114);
    const plane = 16;
    expect(t.geometry).toEqual({ scaleX: 0.5, scaleY: 0.5 });
    // Rows 0..1 hold the image, rows 2..3 are padding.
    expect(t.data[0]).toBeCloseTo(200, 6);
    expect(t.data[2 * plane + 4 + 3]).toBeCloseTo(6.5, 6); // R at (3, 1): source x = 6.5
    expect(t.data[2 * 4 + 1]).toBe(114);
    expect(t.data[2 * plane + 15]).toBe(114);
  });
});
