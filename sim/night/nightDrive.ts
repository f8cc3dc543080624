import { cellToLatLng, cellToParent, gridRing, latLngToCell } from 'h3-js';
import {
  DEFAULT_NIGHT_SCENE,
  type NightSceneEvent,
  NightSceneReporter,
} from '../../edge/night/nightSceneReporter.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import { createPrng, gaussian, type Prng } from '../../lib/random/prng.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import type { TrueLighting } from './nightFleet.ts';
import { drawNightDevice, type NightDevice, nightFrameStats, nightSensorModel } from './nightSensorModels.ts';

/** A road cell of the town at night: its true lighting and its scene luminance. */
export interface NightCell {
  lighting: TrueLighting;
  luminance: number;
}

/** Street lighting is planned by neighbourhood: a res-8 cell (~0.7 km²) is lit or dark as a whole. */
const LIGHTING_AREA_RESOLUTION = 8;

/**
 * The town's night lighting, cell by cell and stable for a seed: whole neighbourhoods (res-8
 * cells, ~0.7 km²) are lit or dark — street lighting is planned by area — and luminance varies
 * from cell to cell within them.
 */
export function nightCellOf(cell: string, seed: number, litShare = 0.6): NightCell {
  const area = createPrng(seed).fork(cellToParent(cell, LIGHTING_AREA_RESOLUTION));
  const lighting: TrueLighting = area.chance(litShare) ? 'lit' : 'dark';
  const local = createPrng(seed).fork(cell);
  const luminance =
    lighting === 'lit' ? 1.5 * Math.exp(0.7 * gaussian(local)) : 0.05 * Math.exp(0.4 * gaussian(local));
  return { lighting, luminance };
}

/**
 * A closed route: the ring of res-10 cells `radius` steps around `centre`, in driving order.
 * Fleets share roads — the same arterials carry most drives — and a loop makes a small fleet
 * pass the same cells often, as a city's main roads do.
 */
export function loopRoute(centre: string, radius = 3): string[] {
  const [cLat, cLng] = cellToLatLng(centre);
  const angle = (c: string) => {
    const [lat, lng] = cellToLatLng(c);
    return Math.atan2(lat - cLat, lng - cLng);
  };
  return gridRing(centre, radius).sort((a, b) => angle(a) - angle(b));
}

/** Options of {@link driveAtNight}. */
export interface NightDriveOptions {
  /** The cells driven, in order; a loop (see {@link loopRoute}) is driven round and round. */
  route: readonly string[];
  /** Index of the route cell it starts at. */
  startIndex: number;
  startMs: number;
  durationS: number;
  speedMps: number;
  /** ISP statistics frames per second. */
  fps: number;
  /**
   * Share of time with oncoming headlights in view, in 1–3 s episodes: single frames the
   * camera's median should shrug off.
   */
  headlightShare: number;
  townSeed: number;
}

/** Defaults: a 30-minute drive at 12 m/s, 5 frames a second, headlights in view 15 % of the time. */
export const DEFAULT_NIGHT_DRIVE: Omit<NightDriveOptions, 'route' | 'startIndex' | 'startMs'> = {
  durationS: 1800,
  speedMps: 12,
  fps: 5,
  headlightShare: 0.15,
  townSeed: 1,
};

/**
 * One device driving the town at night with the real camera code in the loop: round its route
 * cell to cell, a position fix a second, ISP statistics `fps` times a second from the
 * device's true sensor model, all fed to the camera's `NightSceneReporter`. Returns the
 * `night_scene` events the camera would send. Deterministic for its inputs.
 */
export function driveAtNight(device: NightDevice, options: NightDriveOptions, prng: Prng): NightSceneEvent[] {
  const reporter = new NightSceneReporter(
    { ...DEFAULT_NIGHT_SCENE, cameraModel: device.model.cameraModel, firmware: device.model.firmware },
    { next: () => prng.next() },
  );
  const events: NightSceneEvent[] = [];
  const route = options.route;
  let i = options.startIndex % route.length;
  let from = route[i] as string;
  let to = route[(i + 1) % route.length] as string;
  let legM = centreDistanceM(from, to);
  let alongM = 0;
  let headlightsUntilMs = 0;
  const frameMs = 1000 / options.fps;
  for (let s = 0; s < options.durationS; s++) {
    const tMs = options.startMs + s * 1000;
    alongM += options.speedMps;
    while (alongM >= legM) {
      alongM -= legM;
      i = (i + 1) % route.length;
      from = to;
      to = route[(i + 1) % route.length] as string;
      legM = centreDistanceM(from, to);
    }
    const [aLat, aLng] = cellToLatLng(from);
    const [bLat, bLng] = cellToLatLng(to);
    const f = legM > 0 ? alongM / legM : 0;
    const lat = aLat + (bLat - aLat) * f;
    const lng = aLng + (bLng - aLng) * f;
    reporter.pushFix({ tMs, lat, lng, speedMps: options.speedMps });
    // The scene of the half-leg nearer to each end is that cell's.
    const here = f < 0.5 ? from : to;
    const sceneLum = nightCellOf(here, options.townSeed).luminance;
    for (let k = 0; k < options.fps; k++) {
      const frameTMs = tMs + k * frameMs;
      if (frameTMs >= headlightsUntilMs && prng.chance(options.headlightShare / (2 * options.fps)))
        headlightsUntilMs = frameTMs + prng.uniform(1000, 3000);
      const stats = nightFrameStats(
        device,
        sceneLum * Math.exp(0.05 * gaussian(prng)),
        prng,
        { headlights: frameTMs < headlightsUntilMs },
        // One frame's flat-region noise estimate is rougher than a median over many.
        0.1,
      );
      reporter.pushStats({ tMs: frameTMs, ...stats });
    }
    events.push(...reporter.takeEvents());
  }
  return events;
}

function centreDistanceM(a: string, b: string): number {
  const [aLat, aLng] = cellToLatLng(a);
  const [bLat, bLng] = cellToLatLng(b);
  return haversineM(aLat, aLng, bLat, bLng);
}

/** Four 12-cell loops (~1.5 km) across Pittsburgh, in lit and in dark neighbourhoods. */
export const PITTSBURGH_LOOPS: readonly string[][] = [
  [40.4406, -79.9959],
  [40.4512, -79.9801],
  [40.4312, -79.9301],
  [40.4606, -79.9459],
].map(([lat, lng]) => loopRoute(latLngToCell(lat as number, lng as number, PATH_CELL_RESOLUTION), 2));

/** 03:00 UTC = 22:00 in Pittsburgh in January: well past civil dusk. */
const FIRST_NIGHT_MS = Date.UTC(2026, 0, 5, 3);

/**
 * A fleet of `cameras` devices of one model, each driving one of the loops for 30 minutes a
 * night, frame by frame through the camera's real `NightSceneReporter`; the events it sent, as
 * stream records under a pseudonym per camera and night. Each drive has its own pace, so
 * reports fall all round the loops.
 */
export function simulateNightFleetThroughReporter(options: {
  cameraModel: string;
  cameras: number;
  nights: number;
  seed: number;
}): StreamRecord[] {
  const model = nightSensorModel(options.cameraModel);
  const prng = createPrng(options.seed);
  const records: StreamRecord[] = [];
  for (let c = 0; c < options.cameras; c++) {
    const device = drawNightDevice(model, prng.fork(`device-${c}`));
    for (let night = 0; night < options.nights; night++) {
      const drivePrng = prng.fork(`drive-${c}-${night}`);
      const events = driveAtNight(
        device,
        {
          ...DEFAULT_NIGHT_DRIVE,
          speedMps: drivePrng.uniform(9, 15),
          route: PITTSBURGH_LOOPS[c % PITTSBURGH_LOOPS.length] as string[],
          startIndex: c * 7 + night * 3,
          startMs: FIRST_NIGHT_MS + night * 86_400_000 + c * 60_000,
        },
        drivePrng,
      );
      if (events.length > 0)
        records.push({
          v: 1,
          pseudonym: `sim-drive-${options.seed}-${c}-${night}`.padEnd(16, '0'),
          batchKey: `drive${options.seed}c${c}n${night}`,
          events,
        });
    }
  }
  return records;
}
