import { describe, expect, it } from 'vitest';
import { nightSceneSchema } from '../../lib/contract/events.ts';
import { createSeededRandom } from '../core/random.ts';
import { DEFAULT_NIGHT_SCENE, type NightSceneConfig, NightSceneReporter } from './nightSceneReporter.ts';

const OSLO = { lat: 59.9139, lng: 10.7522 };
const CONFIG: NightSceneConfig = { ...DEFAULT_NIGHT_SCENE, cameraModel: 'budget-10hz', firmware: '2.1.0' };
// 21:00 local: broad daylight in June (CEST), night in December (CET).
const JUNE_21H = Date.UTC(2024, 5, 21, 19);
const DEC_21H = Date.UTC(2024, 11, 21, 20);

/** Drives east from Oslo at `speedMps` for `minutes`, one fix and `fps` frames a second. */
function drive(
  r: NightSceneReporter,
  startMs: number,
  minutes: number,
  opts: { speedMps?: number; fps?: number; luma?: (i: number) => number; fromM?: number } = {},
): number {
  const speed = opts.speedMps ?? 12;
  const fps = opts.fps ?? 5;
  let frame = 0;
  for (let s = 0; s < minutes * 60; s++) {
    const tMs = startMs + s * 1000;
    const lng = OSLO.lng + ((opts.fromM ?? 0) + speed * s) / (111_320 * Math.cos((OSLO.lat * Math.PI) / 180));
    r.pushFix({ tMs, lat: OSLO.lat, lng, speedMps: speed });
    for (let f = 0; f < fps; f++, frame++)
      r.pushStats({
        tMs: tMs + (f * 1000) / fps,
        meanLuma: opts.luma ? opts.luma(frame) : 60,
        noiseSigma: 4,
        exposureMs: 33,
        gain: 8,
      });
  }
  return (opts.fromM ?? 0) + speed * minutes * 60;
}

describe('NightSceneReporter', () => {
  it('reports at 21:00 in an Oslo December and stays silent at 21:00 in its June', () => {
    const winter = new NightSceneReporter(CONFIG, createSeededRandom('w'));
    drive(winter, DEC_21H, 30);
    const summer = new NightSceneReporter(CONFIG, createSeededRandom('s'));
    drive(summer, JUNE_21H, 30);
    expect(winter.takeEvents().length).toBeGreaterThan(0);
    expect(summer.takeEvents()).toEqual([]);
  });

  it('reports at most once per interval, whatever the frame rate', () => {
    for (const fps of [5, 30]) {
      const r = new NightSceneReporter(CONFIG, createSeededRandom(`rate${fps}`));
      drive(r, DEC_21H, 65, { fps });
      const events = r.takeEvents();
      const times = events.map((e) => Date.parse(e.ts));
      // 65 minutes at one report per 10 minutes (the first waits for a window): 6 at most.
      expect(events.length).toBeGreaterThanOrEqual(5);
      expect(events.length).toBeLessThanOrEqual(7);
      for (let i = 1; i < times.length; i++)
        expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
          CONFIG.intervalMs - 60_000,
        );
    }
  });

  it('emits contract-valid events at a cell centre, floored to the minute, with the median of the frames', () => {
    const r = new NightSceneReporter(CONFIG, createSeededRandom('shape'));
    // One frame in ten is an oncoming pair of headlights: the median ignores it, a mean would not.
    drive(r, DEC_21H, 25, { luma: (i) => (i % 10 === 0 ? 250 : 60) });
    const [e] = r.takeEvents();
    expect(e).toBeDefined();
    expect(nightSceneSchema.safeParse(e).success).toBe(true);
    expect(e?.meanLuma).toBe(60);
    expect(e?.ts.endsWith(':00.000Z')).toBe(true);
    expect(e?.cameraModel).toBe('budget-10hz');
  });

  it('never reports from inside a privacy zone', () => {
    const zone = { lat: OSLO.lat, lng: OSLO.lng + 0.05, radiusM: 40_000 };
    const r = new NightSceneReporter(CONFIG, createSeededRandom('zone'), () => [zone]);
    drive(r, DEC_21H, 30);
    expect(r.takeEvents()).toEqual([]);
  });

  it('drops the report held when the vehicle stops, so the last one does not mark where it parked', () => {
    const r = new NightSceneReporter(CONFIG, createSeededRandom('stop'));
    // The first report is taken about 10 min in (the one at the start is suppressed: too near
    // where the trip began); it is still held (400 m not yet driven) when the car stops.
    const atM = drive(r, DEC_21H, 10.3);
    const before = r.takeEvents().length;
    drive(r, DEC_21H + 10.3 * 60_000, 3, { speedMps: 0, fromM: atM });
    drive(r, DEC_21H + 13.3 * 60_000, 0.5, { fromM: atM });
    expect(before).toBe(0);
    expect(r.takeEvents()).toEqual([]);
    // Control: without the stop, the held report goes out once 400 m further on.
    const control = new NightSceneReporter(CONFIG, createSeededRandom('stop'));
    const controlM = drive(control, DEC_21H, 10.3);
    control.takeEvents();
    drive(control, DEC_21H + 10.3 * 60_000, 1, { fromM: controlM });
    expect(control.takeEvents()).toHaveLength(1);
  });

  it('uses no frame without a recent fix: a tunnel is not credited to the cell where GNSS was lost', () => {
    const r = new NightSceneReporter(CONFIG, createSeededRandom('tunnel'));
    const atM = drive(r, DEC_21H, 5);
    r.takeEvents();
    // 20 minutes of frames with no fix after the last one.
    for (let i = 0; i < 20 * 60 * 5; i++)
      r.pushStats({
        tMs: DEC_21H + 5 * 60_000 + i * 200,
        meanLuma: 60,
        noiseSigma: 4,
        exposureMs: 33,
        gain: 8,
      });
    drive(r, DEC_21H + 25 * 60_000, 1, { fromM: atM + 400 });
    const events = r.takeEvents();
    // The only report (if any) is from the frames after the fixes came back, not from the tunnel.
    for (const e of events) expect(Date.parse(e.ts)).toBeGreaterThanOrEqual(DEC_21H + 25 * 60_000);
  });

  it('reports nothing from a parked car whose GNSS position jitters', () => {
    const r = new NightSceneReporter(CONFIG, createSeededRandom('parked'));
    const atM = drive(r, DEC_21H, 12);
    r.takeEvents();
    const jitter = createSeededRandom('jitter');
    for (let s = 0; s < 30 * 60; s++) {
      const tMs = DEC_21H + 12 * 60_000 + s * 1000;
      // ±5 m of position noise around the parking place, Doppler speed ~0.
      const lng =
        OSLO.lng + (atM + 10 * (jitter.next() - 0.5)) / (111_320 * Math.cos((OSLO.lat * Math.PI) / 180));
      r.pushFix({ tMs, lat: OSLO.lat + (10 * (jitter.next() - 0.5)) / 111_320, lng, speedMps: 0.2 });
      for (let f = 0; f < 5; f++)
        r.pushStats({ tMs: tMs + f * 200, meanLuma: 60, noiseSigma: 4, exposureMs: 33, gain: 8 });
    }
    expect(r.takeEvents()).toEqual([]);
  });

  it('does not report before the vehicle is well away from where it started', () => {
    const slow = new NightSceneReporter(CONFIG, createSeededRandom('slow'));
    // 0.5 m/s for 25 minutes: 750 m driven, but a report would sit within 500 m of the start.
    drive(slow, DEC_21H, 12, { speedMps: 0.6 });
    expect(slow.takeEvents()).toEqual([]);
  });
});
