import { describe, expect, it } from 'vitest';
import type { SceneStats } from '../../edge/night/nightSceneReporter.ts';
import { createPrng } from '../../lib/random/prng.ts';
import { createNightIsp, DEFAULT_NIGHT_ISP, findNightSensorModel, type NightIspOptions } from './nightIsp.ts';
import { NIGHT_SENSOR_MODELS, type NightSensorModel } from './nightSensorModels.ts';

const MODEL = NIGHT_SENSOR_MODELS[1] as NightSensorModel;
/** A spot in Pittsburgh; the luminance function below ignores the cell anyway. */
const AT = { lat: 40.4406, lng: -79.9959 };
const NO_GLARE: NightIspOptions = { ...DEFAULT_NIGHT_ISP, headlightShare: 0, dirtyShare: 0 };

function collect(
  stepMs: number,
  durationMs: number,
  luminance: number,
  options = DEFAULT_NIGHT_ISP,
): SceneStats[] {
  const isp = createNightIsp(MODEL, createPrng(7), 0, () => luminance, options);
  const out: SceneStats[] = [];
  for (let t = stepMs; t <= durationMs; t += stepMs)
    isp.frames(t, AT.lat, AT.lng, { sceneStats: (s) => out.push(s) });
  return out;
}

describe('createNightIsp', () => {
  it('emits statsHz frames per second in time order, whatever the simulation step', () => {
    for (const stepMs of [100, 250, 1000]) {
      const frames = collect(stepMs, 60_000, 1);
      expect(frames.length).toBeGreaterThanOrEqual(5 * 60 - 5);
      expect(frames.length).toBeLessThanOrEqual(5 * 60);
      for (let i = 1; i < frames.length; i++)
        expect((frames[i] as SceneStats).tMs).toBeGreaterThan((frames[i - 1] as SceneStats).tMs);
    }
  });

  it('answers a dark cell with more gain and a lit one with a shorter exposure, as its AE law says', () => {
    const dark = collect(100, 10_000, 0.05, NO_GLARE);
    const lit = collect(100, 10_000, 5, NO_GLARE);
    expect(dark.every((s) => s.exposureMs === MODEL.maxExposureMs && s.gain > 4)).toBe(true);
    // Floating point: exposure × gain reproduces the target to the last bit or so, not exactly.
    expect(
      lit.every((s) => Math.abs(s.gain - MODEL.minGain) < 1e-9 && s.exposureMs < MODEL.maxExposureMs),
    ).toBe(true);
  });

  it('draws the same device for the same prng, a different one for another', () => {
    const a = createNightIsp(MODEL, createPrng(1), 0, () => 1).device;
    const b = createNightIsp(MODEL, createPrng(1), 0, () => 1).device;
    const c = createNightIsp(MODEL, createPrng(2), 0, () => 1).device;
    expect(a).toEqual(b);
    expect(c.blackLevelDn).not.toBe(a.blackLevelDn);
  });
});

describe('findNightSensorModel', () => {
  it('finds every simulated model and answers undefined for one it has no night model of', () => {
    for (const m of NIGHT_SENSOR_MODELS) expect(findNightSensorModel(m.cameraModel)).toBe(m);
    expect(findNightSensorModel('no-such-camera')).toBeUndefined();
  });
});
