import { latLngToCell } from 'h3-js';
import type { SceneStats } from '../../edge/night/nightSceneReporter.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import { gaussian, type Prng } from '../../lib/random/prng.ts';
import { nightCellOf } from './nightDrive.ts';
import {
  drawNightDevice,
  NIGHT_SENSOR_MODELS,
  type NightDevice,
  type NightSensorModel,
  nightFrameStats,
} from './nightSensorModels.ts';

/** Options of {@link createNightIsp}. */
export interface NightIspOptions {
  /**
   * ISP statistics frames per second. The camera's reporter wants 15 frames inside one road cell
   * (`DEFAULT_NIGHT_SCENE.minFrames`, "3 s at 5 fps"); a res-10 cell takes 3–10 s to cross, so at
   * 1 fps almost no cell would ever collect enough. 5 fps is what the reporter was tuned for and
   * what `nightDrive.ts` feeds it; a real ISP computes its AE block every frame (25–30 fps), the
   * host samples it.
   */
  statsHz: number;
  /** Share of time with oncoming headlights in view, in 1–3 s episodes (as `DEFAULT_NIGHT_DRIVE`). */
  headlightShare: number;
  /** Share of devices behind a dirty windscreen. */
  dirtyShare: number;
}

/** Defaults: 5 fps of statistics, headlights 15 % of the time, 5 % dirty windscreens. */
export const DEFAULT_NIGHT_ISP: NightIspOptions = { statsHz: 5, headlightShare: 0.15, dirtyShare: 0.05 };

/** Where a camera's ISP statistics go (a `SimCamera`). */
export interface SceneStatsSink {
  sceneStats(stats: SceneStats): void;
}

/**
 * The image side of one simulated dash cam: its physical night sensor (drawn once, with the
 * model's device-to-device spread) looking at the town's lighting, producing the ISP's
 * per-frame statistics at `statsHz`. The scene is the street lighting of the H3 path cell the car
 * is in (`nightCellOf`, stable per town seed), so cameras passing the same cell see the same
 * scene through different sensors — what the cloud's night calibration must untangle.
 *
 * The scene model is a night one: by day it still reports night lighting, which the camera
 * ignores (its reporter only reads frames with the sun below −6° at the car).
 */
export interface NightIsp {
  readonly device: NightDevice;
  /**
   * The frames due up to `tMs` with the car at (`lat`, `lng`), each passed to `sink`. Call once
   * per simulation step; frames fall on the step's end time (a 100 ms step is finer than the
   * frame spacing, so the rate holds).
   */
  frames(tMs: number, lat: number, lng: number, sink: SceneStatsSink): void;
}

/** The night sensor model of `cameraModel`, or undefined when the simulation has none for it. */
export function findNightSensorModel(cameraModel: string): NightSensorModel | undefined {
  return NIGHT_SENSOR_MODELS.find((m) => m.cameraModel === cameraModel);
}

/**
 * A camera's night ISP: `model`'s device drawn from `prng`, its frames' noise from a fork of it.
 * `luminanceOf` caches the town's cells across cameras (a fleet shares one: cells are a pure
 * function of the town seed, and `nightCellOf` costs two prng seedings).
 *
 * @example
 * const isp = createNightIsp(nightModel, prng.fork('night-isp'), startMs, townLuminance(seed));
 * isp.frames(nowMs, lat, lng, camera);
 */
export function createNightIsp(
  model: NightSensorModel,
  prng: Prng,
  startMs: number,
  luminanceOf: (cell: string) => number,
  options: NightIspOptions = DEFAULT_NIGHT_ISP,
): NightIsp {
  const device = drawNightDevice(model, prng.fork('device'), options.dirtyShare);
  const noise = prng.fork('frames');
  const frameMs = 1000 / options.statsHz;
  // Cameras are not frame-synchronised: each starts at its own phase.
  let nextMs = startMs + noise.uniform(0, frameMs);
  let headlightsUntilMs = Number.NEGATIVE_INFINITY;
  // An episode starts with this chance per frame; at 2 s mean length that is `headlightShare` of the time.
  const episodeChance = options.headlightShare / (2 * options.statsHz);
  let lastCell = '';
  let lastLat = Number.NaN;
  let lastLng = Number.NaN;
  let cellLuminance = 0;
  return {
    device,
    frames(tMs, lat, lng, sink) {
      if (nextMs > tMs) return;
      // One cell lookup per call: the car moves at most a few metres in a step.
      if (lat !== lastLat || lng !== lastLng) {
        lastLat = lat;
        lastLng = lng;
        const cell = latLngToCell(lat, lng, PATH_CELL_RESOLUTION);
        if (cell !== lastCell) {
          lastCell = cell;
          cellLuminance = luminanceOf(cell);
        }
      }
      for (; nextMs <= tMs; nextMs += frameMs) {
        if (nextMs >= headlightsUntilMs && noise.chance(episodeChance))
          headlightsUntilMs = nextMs + noise.uniform(1000, 3000);
        // Within a cell the scene varies a little with where the car is and what is in view.
        const scene = cellLuminance * Math.exp(0.05 * gaussian(noise));
        const s = nightFrameStats(device, scene, noise, { headlights: nextMs < headlightsUntilMs }, 0.1);
        sink.sceneStats({ tMs: Math.round(nextMs), ...s });
      }
    },
  };
}

/**
 * Scene luminance of the town's path cells for `townSeed`, memoised: a fleet's cameras share one,
 * and the cells a fleet drives are bounded by its road network.
 */
export function townLuminance(townSeed: number): (cell: string) => number {
  const cache = new Map<string, number>();
  return (cell) => {
    let l = cache.get(cell);
    if (l === undefined) {
      l = nightCellOf(cell, townSeed).luminance;
      cache.set(cell, l);
    }
    return l;
  };
}
