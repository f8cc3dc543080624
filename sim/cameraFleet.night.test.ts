import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { eventSchema, type TelemetryEvent } from '../lib/contract/events.ts';
import { PATH_CELL_RESOLUTION } from '../lib/geo/pathCellResolution.ts';
import { type CameraFleet, createCameraFleet } from './cameraFleet.ts';
import { NIGHT_SENSOR_MODELS } from './night/nightSensorModels.ts';
import { CAMERA_MODELS, type CameraModel } from './sensors/cameraModels.ts';
import { buildRoadGraph, type RoadCollection } from './world/roadGraph.ts';
import { defaultScenario } from './world/scenario.ts';

const MIN = 60_000;
const CAMERAS = 8;
const DRIVE_MIN = 25;
/** 03:00 in Pittsburgh in January (08:00 UTC): the sun is ~60° below the horizon. */
const NIGHT_MS = Date.UTC(2026, 0, 14, 8);
/** 12:00 in Pittsburgh the same day (17:00 UTC): the sun is ~28° up. */
const MIDDAY_MS = Date.UTC(2026, 0, 14, 17);

const graph = buildRoadGraph(
  JSON.parse(
    gunzipSync(readFileSync(new URL('../data/roads/pgh_major_roads.geojson.gz', import.meta.url))).toString(
      'utf8',
    ),
  ) as RoadCollection,
);

function drive(startMs: number, options: Parameters<typeof createCameraFleet>[2] = {}): CameraFleet {
  const fleet = createCameraFleet(
    graph,
    defaultScenario(3, graph, { startMs, cameras: CAMERAS, horizonMs: DRIVE_MIN * MIN, parkS: [20, 40] }),
    options,
  );
  fleet.advanceTo(startMs + DRIVE_MIN * MIN);
  fleet.finish();
  return fleet;
}

/** Every event in the batches camera `i` has queued to send. */
function queued(fleet: CameraFleet, i: number): TelemetryEvent[] {
  const bodies = fleet.cameras[i]?.pipeline.queue.bodies() ?? [];
  return bodies.flatMap((b) => (JSON.parse(b) as { events: TelemetryEvent[] }).events);
}

const sceneOf = (events: TelemetryEvent[]) =>
  events.filter((e): e is Extract<TelemetryEvent, { type: 'night_scene' }> => e.type === 'night_scene');

describe('the camera fleet at night', () => {
  const night = drive(NIGHT_MS);
  const models = night.views().map((v) => v.model);

  it('queues night_scene reports that name the camera model and firmware they came from', () => {
    let reporting = 0;
    for (let i = 0; i < CAMERAS; i++) {
      const scenes = sceneOf(queued(night, i));
      if (scenes.length > 0) reporting++;
      const nightModel = NIGHT_SENSOR_MODELS.find((m) => m.cameraModel === models[i]);
      for (const e of scenes) {
        expect(eventSchema.safeParse(e).success).toBe(true);
        expect(e.cameraModel).toBe(models[i]);
        expect(e.firmware).toBe(nightModel?.firmware);
      }
    }
    // A 25-minute drive crosses many cells; most cameras must have reported at least once.
    expect(reporting).toBeGreaterThanOrEqual(CAMERAS / 2);
  });

  it('reports at path-cell centres, at most once per ten minutes per camera', () => {
    for (let i = 0; i < CAMERAS; i++) {
      const times = sceneOf(queued(night, i)).map((e) => {
        const cell = latLngToCell(e.lat, e.lng, PATH_CELL_RESOLUTION);
        expect(getResolution(cell)).toBe(PATH_CELL_RESOLUTION);
        return Date.parse(e.ts);
      });
      // `ts` is floored to the minute, so two reports ten minutes apart may read nine.
      for (let k = 1; k < times.length; k++)
        expect((times[k] as number) - (times[k - 1] as number)).toBeGreaterThanOrEqual(9 * MIN);
    }
  });

  it('reports lit and dark cells alike, each under its sensor model exposure-then-gain law', () => {
    const reports = Array.from({ length: CAMERAS }, (_, i) =>
      sceneOf(queued(night, i)).map((e) => ({
        e,
        model: NIGHT_SENSOR_MODELS.find((m) => m.cameraModel === models[i]),
      })),
    ).flat();
    // Dark cells (headlights only) drive the AE to its maximum gain; lit ones need little.
    expect(reports.some(({ e, model }) => e.gain >= (model?.maxGain ?? Number.POSITIVE_INFINITY))).toBe(true);
    expect(reports.some(({ e }) => e.gain < 3)).toBe(true);
    // Exposure is used up before gain rises: a report with gain above the minimum is at the exposure limit.
    for (const { e, model } of reports)
      if (e.gain > (model?.minGain ?? 1) * 1.01)
        expect(e.exposureMs).toBeCloseTo(model?.maxExposureMs ?? 0, 0);
  });
});

describe('the camera fleet by day', () => {
  const day = drive(MIDDAY_MS);

  it('sends no night_scene over a midday drive, though its cameras report other events', () => {
    const events = Array.from({ length: CAMERAS }, (_, i) => queued(day, i)).flat();
    expect(events.length).toBeGreaterThan(0);
    expect(sceneOf(events)).toEqual([]);
  });

  it('leaves every other event as it would be without ISP statistics, at night too', () => {
    const withIsp = drive(NIGHT_MS);
    const without = drive(NIGHT_MS, { nightIsp: false });
    expect(sceneOf(queued(withIsp, 0)).length).toBeGreaterThan(0);
    for (let i = 0; i < CAMERAS; i++) {
      const others = queued(withIsp, i).filter((e) => e.type !== 'night_scene');
      expect(others.length).toBeGreaterThan(0);
      expect(others).toEqual(queued(without, i));
    }
  });

  it('queues byte-identical batches with and without ISP statistics: by day they change nothing', () => {
    const without = drive(MIDDAY_MS, { nightIsp: false });
    for (let i = 0; i < CAMERAS; i++)
      expect(day.cameras[i]?.pipeline.queue.bodies()).toEqual(without.cameras[i]?.pipeline.queue.bodies());
  });
});

describe('camera models without a night sensor model', () => {
  it('drive and report without ISP statistics instead of throwing', () => {
    const unknown: CameraModel = { ...(CAMERA_MODELS[1] as CameraModel), name: 'no-night-model', share: 1 };
    const fleet = drive(NIGHT_MS, { models: [unknown] });
    const events = Array.from({ length: CAMERAS }, (_, i) => queued(fleet, i)).flat();
    expect(events.length).toBeGreaterThan(0);
    expect(sceneOf(events)).toEqual([]);
  });
});
