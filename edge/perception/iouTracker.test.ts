import { describe, expect, it } from 'vitest';
import type { Detection } from './detection.ts';
import { IouTracker } from './iouTracker.ts';
import type { PerceptionError } from './perceptionError.ts';

const car = (x: number, y = 300, className = 'car', w = 100, h = 80): Detection => ({
  className,
  score: 0.8,
  box: { x, y, w, h },
});

/** Feeds frames at 10 Hz; returns the confirmed track ids after each. */
function run(tracker: IouTracker, frames: Detection[][], t0 = 0): number[][] {
  return frames.map((dets, i) => tracker.update(t0 + i / 10, dets).map((t) => t.id));
}

describe('IouTracker', () => {
  it('reports a track only after three hits in a row', () => {
    expect(run(new IouTracker(), [[car(100)], [car(104)], [car(108)], [car(112)]])).toEqual([
      [],
      [],
      [1],
      [1],
    ]);
  });

  it('never reports a box seen in two frames only (birth hysteresis)', () => {
    const ids = run(new IouTracker(), [[car(100)], [car(104)], [], [car(500)], [car(504)], []]);
    expect(ids.flat()).toEqual([]);
  });

  it('keeps a confirmed track through three missed frames with the same id', () => {
    const tracker = new IouTracker();
    const ids = run(tracker, [[car(100)], [car(102)], [car(104)], [], [], [], [car(110)], [car(112)]]);
    expect(ids).toEqual([[], [], [1], [1], [1], [1], [1], [1]]);
  });

  it('drops a confirmed track after 0.5 s without a hit and starts a new one afterwards (death hysteresis)', () => {
    const frames = [
      [car(100)],
      [car(102)],
      [car(104)],
      [],
      [],
      [],
      [],
      [],
      [],
      [car(104)],
      [car(104)],
      [car(104)],
    ];
    const ids = run(new IouTracker(), frames);
    expect(ids[6]).toEqual([1]); // 0.4 s after the last hit: coasting
    expect(ids[8]).toEqual([]); // 0.6 s: gone
    expect(ids[11]).toEqual([2]); // reborn under a new id after three hits
  });

  it('follows two side-by-side cars without swapping their ids', () => {
    const tracker = new IouTracker();
    let last: { id: number; x: number }[] = [];
    for (let i = 0; i < 10; i++) {
      last = tracker
        .update(i / 10, [car(100 + 3 * i), car(400 - 3 * i)])
        .map((t) => ({ id: t.id, x: t.box.x }));
    }
    expect(last.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, x: 127 },
      { id: 2, x: 373 },
    ]);
  });

  it('keeps one track when the detector flips a vehicle between car and truck, named by the stronger class', () => {
    const tracker = new IouTracker();
    run(tracker, [[car(100)], [car(101, 300, 'truck')], [car(102)], [car(103)]]);
    const [t] = tracker.update(0.4, [car(104, 300, 'truck')]);
    expect(t?.id).toBe(1);
    expect(t?.className).toBe('car');
  });

  it('never continues a car track with a person box', () => {
    const tracker = new IouTracker();
    run(tracker, [[car(100)], [car(100)], [car(100)]]);
    const tracks = tracker.update(0.3, [car(100, 300, 'person')]);
    expect(tracks.map((t) => [t.id, t.className])).toEqual([[1, 'car']]);
    expect(tracks[0]?.lastSeenS).toBe(0.2);
  });

  it('ignores classes it does not track', () => {
    expect(
      run(new IouTracker(), [[car(1, 1, 'kite')], [car(1, 1, 'kite')], [car(1, 1, 'kite')]]).flat(),
    ).toEqual([]);
  });

  it('keeps at most historyS of observations', () => {
    const tracker = new IouTracker({ historyS: 0.5 });
    const frames = Array.from({ length: 20 }, (_, i) => [car(100 + i)]);
    run(tracker, frames);
    const [t] = tracker.update(2, [car(120)]);
    expect(t?.history[0]?.tS).toBeCloseTo(1.5, 9);
    expect(t?.history.at(-1)?.tS).toBe(2);
  });

  it('refuses a frame that is not after the previous one', () => {
    const tracker = new IouTracker();
    tracker.update(1, []);
    expect(() => tracker.update(1, [])).toThrowError(
      expect.objectContaining({ code: 'BAD_TIME' }) as PerceptionError,
    );
  });
});
