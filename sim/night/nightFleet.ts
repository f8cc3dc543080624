import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import { createPrng, gaussian, type Prng } from '../../lib/random/prng.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import { DAY_MS } from '../../lib/time/durations.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { drawNightDevice, type NightDevice, nightFrameStats, nightSensorModel } from './nightSensorModels.ts';

/** Lighting of a road cell at night: street lights, or only the car's own headlights. */
export type TrueLighting = 'lit' | 'dark';

/** Options of {@link simulateNightFleet}. */
export interface NightFleetOptions {
  cameraModel: string;
  cameras: number;
  /** Nights simulated; every camera drives once a night (so a night's distinct cameras is the fleet). */
  nights: number;
  /** Reports per drive (a 50-minute drive at one report per 10 minutes). */
  reportsPerDrive: number;
  /** Road cells the fleet drives (a town's main roads). */
  roadCells: number;
  /** Share of road cells with street lights. */
  litShare: number;
  /** Share of reports spoilt by oncoming headlights (see `NightSceneDisturbance`). */
  headlightShare: number;
  /** Share of devices with a dirty lens. */
  dirtyShare: number;
  seed: number;
}

/** Defaults: a mid-sized fleet night, 10 % of reports spoilt by headlights, 5 % of lenses dirty. */
export const DEFAULT_NIGHT_FLEET: Omit<NightFleetOptions, 'cameraModel' | 'cameras'> = {
  nights: 3,
  reportsPerDrive: 5,
  roadCells: 300,
  litShare: 0.6,
  headlightShare: 0.1,
  dirtyShare: 0.05,
  seed: 1,
};

/** A simulated night fleet: what it sent, and the truth behind it. */
export interface NightFleet {
  /** Stream records as ingest would write them: one per drive, under the camera's pseudonym of the day. */
  records: StreamRecord[];
  devices: NightDevice[];
  /** True lighting of every road cell. */
  cellLighting: Map<string, TrueLighting>;
}

/** Pittsburgh, where the simulator's road network is (data/roads). */
const CENTRE = { lat: 40.4406, lng: -79.9959 };
/** 03:00 UTC is 22:00 in Pittsburgh in January: well past civil dusk. */
const FIRST_NIGHT_MS = Date.UTC(2026, 0, 5, 3);

/**
 * Simulates `cameras` devices of one model driving a town's roads at night for `nights` nights,
 * and returns the `night_scene` events they would send, already in stream records. Road cells
 * are lit (street lights: scene luminance spread over two decades) or dark (own headlights
 * only); each device has its own sensor parameters around the model's, some a dirty lens, and
 * some reports are spoilt by oncoming headlights. A pure function of the options.
 *
 * It writes the reports (what `NightSceneReporter` would emit: an interval's medians) directly,
 * not frame by frame through the camera code: the bench's error curves need up to 1000 cameras ×
 * 4 models × 5 seeds, ~100× what the frame-level path (`nightDrive.ts`, the real reporter in the
 * loop, checked in its test to calibrate the same way) can run in a bench's time.
 */
export function simulateNightFleet(options: NightFleetOptions): NightFleet {
  const model = nightSensorModel(options.cameraModel);
  const prng = createPrng(options.seed);
  const cellPrng = prng.fork('cells');
  const all = gridDisk(latLngToCell(CENTRE.lat, CENTRE.lng, PATH_CELL_RESOLUTION), 30);
  const cells: { cell: string; luminance: number; lighting: TrueLighting }[] = [];
  const cellLighting = new Map<string, TrueLighting>();
  for (let i = 0; i < options.roadCells && i < all.length; i++) {
    const cell = all[cellPrng.int(all.length)] as string;
    if (cellLighting.has(cell)) continue;
    const lighting: TrueLighting = cellPrng.chance(options.litShare) ? 'lit' : 'dark';
    // Lit: 0.4–6 (a side street to a floodlit junction); dark: about 0.05 (low beams on asphalt).
    const luminance =
      lighting === 'lit'
        ? 1.5 * Math.exp(0.7 * gaussian(cellPrng))
        : 0.05 * Math.exp(0.4 * gaussian(cellPrng));
    cells.push({ cell, luminance, lighting });
    cellLighting.set(cell, lighting);
  }
  const devicePrng = prng.fork(`devices-${options.cameraModel}`);
  const devices = Array.from({ length: options.cameras }, () =>
    drawNightDevice(model, devicePrng, options.dirtyShare),
  );
  const records: StreamRecord[] = [];
  for (let c = 0; c < devices.length; c++) {
    const device = devices[c] as NightDevice;
    const drivePrng = prng.fork(`camera-${c}`);
    for (let night = 0; night < options.nights; night++) {
      const startMs = FIRST_NIGHT_MS + night * DAY_MS + drivePrng.uniform(0, 2 * 3600_000);
      const events: TelemetryEvent[] = [];
      for (let r = 0; r < options.reportsPerDrive; r++) {
        const at = cells[drivePrng.int(cells.length)] as (typeof cells)[number];
        events.push(sceneEvent(device, at.cell, at.luminance, startMs + r * 600_000, drivePrng, options));
      }
      records.push({
        v: 1,
        pseudonym: `sim-night-${options.seed}-${c}-${night}`.padEnd(16, '0'),
        batchKey: drivePrng.uuid().replace(/-/g, ''),
        events,
      });
    }
  }
  return { records, devices, cellLighting };
}

function sceneEvent(
  device: NightDevice,
  cell: string,
  cellLuminance: number,
  tMs: number,
  prng: Prng,
  options: NightFleetOptions,
): TelemetryEvent {
  // Within a cell the scene varies with where the car is and what is in view.
  const luminance = cellLuminance * Math.exp(0.25 * gaussian(prng));
  const s = nightFrameStats(device, luminance, prng, { headlights: prng.chance(options.headlightShare) });
  const [lat, lng] = cellToLatLng(cell);
  return {
    id: prng.uuid(),
    type: 'night_scene',
    ts: isoOf(Math.floor(tMs / 60_000) * 60_000),
    lat: Math.round(lat * 1e5) / 1e5,
    lng: Math.round(lng * 1e5) / 1e5,
    meanLuma: Math.round(s.meanLuma * 100) / 100,
    noiseSigma: Math.round(s.noiseSigma * 1000) / 1000,
    exposureMs: Math.round(s.exposureMs * 1000) / 1000,
    gain: Math.round(s.gain * 1000) / 1000,
    cameraModel: device.model.cameraModel,
    firmware: device.model.firmware,
  };
}
