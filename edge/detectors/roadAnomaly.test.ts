import { describe, expect, it } from 'vitest';
import { gaussian } from '../../lib/random/prng.ts';
import { createSeededRandom } from '../core/random.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import { shockVertMps2, TYPICAL_SHOCK_MPS2 } from '../testing/roadShocks.ts';
import type { DetectedEvent } from './detectedEvent.ts';
import { DEFAULT_ROAD_ANOMALY, type RoadAnomalyConfig, RoadAnomalyDetector } from './roadAnomaly.ts';

const G = 9.80665;

interface RoadScript {
  rateHz: number;
  durationS: number;
  /** Road texture, m/s² standard deviation of the vertical specific force. */
  noiseMps2: number;
  shocks: { kind: 'pothole' | 'bump'; atS: number; ampMps2: number }[];
  /** GPS speed fed once at the start; `undefined` = never fed (speed unknown). */
  speedMps?: number;
  /** Sample phase offset, ms (where the snapshots fall relative to the shocks). */
  phaseMs?: number;
  offsetMps2?: number;
  seed?: string;
  config?: RoadAnomalyConfig;
}

/** The detector reads only these fields of a vehicle sample (the rest is the calibration's). */
function vehicleSample(tMs: number, vertMps2: number): VehicleSample {
  return { tMs, vertMps2, horizMps2: 0 } as VehicleSample;
}

function drive(script: RoadScript): Extract<DetectedEvent, { type: 'road_anomaly' }>[] {
  const rnd = createSeededRandom(script.seed ?? 'road');
  const d = new RoadAnomalyDetector(script.config);
  if (script.speedMps !== undefined) d.setSpeed(script.speedMps);
  const out: DetectedEvent[] = [];
  const n = Math.floor(script.durationS * script.rateHz);
  for (let i = 0; i < n; i++) {
    const tMs = Math.round((i * 1000) / script.rateHz) + (script.phaseMs ?? 0);
    let v = (script.offsetMps2 ?? 0) + script.noiseMps2 * gaussian(rnd);
    for (const k of script.shocks) v += shockVertMps2(k.kind, k.ampMps2, (tMs - k.atS * 1000) / 1000);
    out.push(...d.onImu(vehicleSample(tMs, v)));
  }
  out.push(...d.flush());
  return out.filter((e): e is Extract<DetectedEvent, { type: 'road_anomaly' }> => e.type === 'road_anomaly');
}

const SMOOTH_MPS2 = 0.3;

describe('RoadAnomalyDetector on synthetic roads', () => {
  for (const rateHz of [50, 200]) {
    it(`finds a pothole and a bump at ${rateHz} Hz, at the impact, and tells them apart`, () => {
      const events = drive({
        rateHz,
        durationS: 60,
        noiseMps2: SMOOTH_MPS2,
        speedMps: 9,
        shocks: [
          { kind: 'pothole', atS: 20, ampMps2: TYPICAL_SHOCK_MPS2 },
          { kind: 'bump', atS: 40, ampMps2: TYPICAL_SHOCK_MPS2 },
        ],
      });
      expect(events.map((e) => e.kind)).toEqual(['pothole', 'bump']);
      expect(Math.abs((events[0]?.tMs ?? 0) - 20_100)).toBeLessThan(400);
      expect(events.every((e) => e.severity > 0 && e.severity <= 1 && e.speedMps === 9)).toBe(true);
    });
  }

  it('at 5 Hz catches a pothole at most snapshot phases and mostly calls it a pothole', () => {
    const found = [0, 20, 40, 60, 80, 100, 120, 140, 160, 180].map((phaseMs) =>
      drive({
        rateHz: 5,
        durationS: 40,
        noiseMps2: SMOOTH_MPS2,
        speedMps: 9,
        phaseMs,
        shocks: [{ kind: 'pothole', atS: 20, ampMps2: TYPICAL_SHOCK_MPS2 }],
      }),
    );
    const detected = found.filter((e) => e.length === 1).flat();
    expect(detected.length).toBeGreaterThanOrEqual(7);
    // The snapshot may land on the ringing only; most phases still see the strike dominate.
    expect(detected.filter((e) => e.kind === 'pothole').length / detected.length).toBeGreaterThanOrEqual(
      0.75,
    );
  });

  it('at 5 Hz finds a bump at every phase (it lasts longer than a snapshot interval)', () => {
    for (const phaseMs of [0, 50, 100, 150]) {
      const events = drive({
        rateHz: 5,
        durationS: 40,
        noiseMps2: SMOOTH_MPS2,
        speedMps: 9,
        phaseMs,
        shocks: [{ kind: 'bump', atS: 20, ampMps2: TYPICAL_SHOCK_MPS2 }],
      });
      expect(events.map((e) => e.kind)).toEqual(['bump']);
    }
  });

  for (const rateHz of [5, 50, 200]) {
    it(`reports nothing on ten minutes of smooth road at ${rateHz} Hz`, () => {
      expect(drive({ rateHz, durationS: 600, noiseMps2: SMOOTH_MPS2, speedMps: 12, shocks: [] })).toEqual([]);
    });
  }

  it('raises its bar on a worn road: its texture is not reported, a severe pothole still is', () => {
    const worn = { rateHz: 50, durationS: 120, noiseMps2: 0.8, speedMps: 9, seed: 'worn' };
    const fixedBar = { ...DEFAULT_ROAD_ANOMALY, noiseMultiple: 0 };
    expect(drive({ ...worn, shocks: [], config: fixedBar }).length).toBeGreaterThan(0);
    expect(drive({ ...worn, shocks: [] })).toEqual([]);
    const events = drive({ ...worn, shocks: [{ kind: 'pothole', atS: 60, ampMps2: 1.5 * G }] });
    expect(events.map((e) => e.kind)).toEqual(['pothole']);
  });

  it('normalises for speed: a shock that matters at 5 m/s is ordinary at 30 m/s', () => {
    const shocks = [{ kind: 'pothole' as const, atS: 20, ampMps2: 0.55 * G }];
    const base = { rateHz: 100, durationS: 40, noiseMps2: SMOOTH_MPS2, shocks };
    expect(drive({ ...base, speedMps: 5 })).toHaveLength(1);
    expect(drive({ ...base, speedMps: 30 })).toEqual([]);
  });

  it('without any GPS speed assumes the reference urban speed (no gating, no scaling)', () => {
    const base = { rateHz: 50, durationS: 40, noiseMps2: SMOOTH_MPS2 };
    const shocks = [{ kind: 'pothole' as const, atS: 20, ampMps2: TYPICAL_SHOCK_MPS2 }];
    const unknown = drive({ ...base, shocks });
    expect(unknown.map((e) => [e.kind, e.speedMps])).toEqual([['pothole', 0]]);
    expect(unknown[0]?.severity).toBe(drive({ ...base, shocks, speedMps: 8 })[0]?.severity);
  });

  it('ignores shocks below walking pace (kerbs, doors, parking)', () => {
    const events = drive({
      rateHz: 50,
      durationS: 40,
      noiseMps2: SMOOTH_MPS2,
      speedMps: 1,
      shocks: [{ kind: 'pothole', atS: 20, ampMps2: 1.5 * G }],
    });
    expect(events).toEqual([]);
  });

  it('reports a pothole once although both axles hit it', () => {
    const events = drive({
      rateHz: 100,
      durationS: 40,
      noiseMps2: SMOOTH_MPS2,
      speedMps: 9,
      // Rear axle 2.7 m behind the front: 0.3 s later at 9 m/s.
      shocks: [
        { kind: 'pothole', atS: 20, ampMps2: TYPICAL_SHOCK_MPS2 },
        { kind: 'pothole', atS: 20.3, ampMps2: 0.8 * TYPICAL_SHOCK_MPS2 },
      ],
    });
    expect(events).toHaveLength(1);
  });

  it('does not depend on a gravity offset left in the vertical (it measures swings)', () => {
    const base = {
      rateHz: 50,
      durationS: 60,
      noiseMps2: SMOOTH_MPS2,
      speedMps: 9,
      shocks: [{ kind: 'pothole' as const, atS: 30, ampMps2: TYPICAL_SHOCK_MPS2 }],
    };
    const shifted = drive({ ...base, offsetMps2: 0.6 });
    const plain = drive(base);
    expect(shifted.map((e) => [e.tMs, e.kind])).toEqual(plain.map((e) => [e.tMs, e.kind]));
    expect(shifted[0]?.severity).toBeCloseTo(plain[0]?.severity ?? -1, 9);
  });
});
