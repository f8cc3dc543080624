import { describe, expect, it } from 'vitest';
import type { Detection, RgbImage } from './detection.ts';
import { createHostDetector, parseHostDetections, toDetectionsJson } from './hostDetections.ts';
import type { PerceptionError } from './perceptionError.ts';

const frame: RgbImage = { width: 640, height: 360, rgb: new Uint8Array(640 * 360 * 3) };
const badDetections = expect.objectContaining({ code: 'BAD_DETECTIONS' }) as PerceptionError;

describe('toDetectionsJson / parseHostDetections', () => {
  it('round-trips detections through the contract JSON', () => {
    const dets: Detection[] = [
      { className: 'car', score: 0.875, box: { x: 10.25, y: 20, w: 100, h: 50.5 } },
      { className: 'person', score: 0.6, box: { x: 300, y: 100, w: 20, h: 60 } },
    ];
    const json = JSON.parse(JSON.stringify(toDetectionsJson(dets, 'fastestdet-2022.07')));
    expect(json.detections[0]).toEqual({ class: 'car', score: 0.875, box: [10.3, 20, 100, 50.5] });
    expect(json.model).toBe('fastestdet-2022.07');
    const back = parseHostDetections(json);
    expect(back.map((d) => d.className)).toEqual(['car', 'person']);
    expect(back[1]).toEqual(dets[1]);
  });

  it('accepts a bare array and clips boxes to the frame', () => {
    const [d] = parseHostDetections([{ class: 'car', score: 0.9, box: [600, 300, 100, 100] }], frame);
    expect(d?.box).toEqual({ x: 600, y: 300, w: 40, h: 60 });
  });

  it.each([
    ['not an object', 42],
    ['no detections list', { boxes: [] }],
    ['an empty class', [{ class: '', score: 0.5, box: [0, 0, 1, 1] }]],
    ['a score above 1', [{ class: 'car', score: 1.5, box: [0, 0, 1, 1] }]],
    ['a NaN in the box', [{ class: 'car', score: 0.5, box: [0, Number.NaN, 1, 1] }]],
    ['three box numbers', [{ class: 'car', score: 0.5, box: [0, 0, 1] }]],
    ['a zero-height box', [{ class: 'car', score: 0.5, box: [0, 0, 10, 0] }]],
  ])('refuses %s', (_, value) => {
    expect(() => parseHostDetections(value)).toThrowError(badDetections);
  });
});

describe('createHostDetector', () => {
  it('is an ObjectDetector fed by the host, validated at the boundary', async () => {
    const seen: number[] = [];
    const detector = createHostDetector('npu-fastestdet', (image) => {
      seen.push(image.width);
      return { detections: [{ class: 'truck', score: 0.7, box: [1, 2, 3, 4] }] };
    });
    expect(detector.modelVersion).toBe('npu-fastestdet');
    expect(await detector.detect(frame)).toEqual([
      { className: 'truck', score: 0.7, box: { x: 1, y: 2, w: 3, h: 4 } },
    ]);
    expect(seen).toEqual([640]);
  });

  it('rejects what the host got wrong instead of tracking it', async () => {
    const detector = createHostDetector('npu', async () => [{ class: 'car', score: -1, box: [0, 0, 1, 1] }]);
    await expect(detector.detect(frame)).rejects.toThrowError(badDetections);
  });
});
