import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { createPrng, type Prng } from '../../lib/random/prng.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { cameraDisplayId } from '../cameraNames.ts';
import { type DriveContext, drawDriverProfile, driveStep } from './driveStep.ts';
import type { Incident } from './incidents.ts';
import type { RoadGraph } from './roadGraph.ts';
import type { Scenario } from './scenario.ts';
import { TripPlanner } from './tripPlanner.ts';
import { drivingWorld, Vehicle } from './vehicle.ts';

/** A telemetry batch as a camera POSTs it to `/v1/telemetry`. */
export interface TelemetryBatch {
  schema: 1;
  batchId: string;
  sentAt: string;
  events: TelemetryEvent[];
}

/** A batch ready to send, and which camera (by fleet index) sends it. */
export interface FleetBatch {
  camera: number;
  body: TelemetryBatch;
}

/** A camera on the live map. `id` is a display name, never the device id. */
export interface CameraView {
  id: string;
  lat: number;
  lng: number;
  heading: number;
  speedMps: number;
}

/** Counters of what the fleet produced. */
export interface FleetStats {
  batches: number;
  events: Record<string, number>;
  trips: number;
  drivenKm: number;
}

/** A simulated fleet. Time only moves forward, and only when told to. */
export interface Fleet {
  readonly scenario: Scenario;
  /** Current simulated time, epoch ms. */
  readonly nowMs: number;
  /**
   * Advances the simulation to `tMs` (never beyond: events are stamped at most `tMs`, so a caller
   * that passes the wall clock gets no event from the future) and returns the batches due.
   */
  advanceTo(tMs: number): FleetBatch[];
  /** Every camera's pending events as final batches (for a clean stop). */
  flush(): FleetBatch[];
  cameras(): CameraView[];
  /** Stable random identity of camera `i`; a local key only, it never appears in payloads. */
  cameraKey(i: number): string;
  /** Ground truth of the injected incidents. */
  incidents(): Incident[];
  stats(): FleetStats;
}

/** Options of {@link createFleet}. */
export interface FleetOptions {
  /** Integration step, ms (default 500: fine enough for braking at 7 m/s² from motorway speed). */
  stepMs?: number;
  /** Batch interval range, seconds of sim time (default 30–60). */
  batchIntervalS?: readonly [number, number];
}

interface Camera {
  vehicle: Vehicle;
  key: string;
  prng: Prng;
  pending: TelemetryEvent[];
  nextFlushMs: number;
  via?: Incident | undefined;
}

/**
 * Creates the fleet of a scenario on a road graph. Pure: all randomness comes from the scenario
 * seed, and time comes from the caller.
 *
 * @example
 * const fleet = createFleet(graph, defaultScenario(1, graph, { startMs }));
 * for (const { camera, body } of fleet.advanceTo(startMs + 60_000)) send(camera, body);
 */
export function createFleet(graph: RoadGraph, scenario: Scenario, options: FleetOptions = {}): Fleet {
  const stepMs = options.stepMs ?? 500;
  const [batchMinS, batchMaxS] = options.batchIntervalS ?? [30, 60];
  const root = createPrng(scenario.seed).fork('fleet');
  const planner = new TripPlanner(graph, scenario, root.fork('planner'));
  const world = drivingWorld(graph, scenario);
  let now = scenario.startMs;
  const stats: FleetStats = { batches: 0, events: {}, trips: 0, drivenKm: 0 };
  const drive: DriveContext = { planner, world, scenario, stats };
  const placements = planner.place(scenario.cameras, now);
  const cameras: Camera[] = placements.map((p, i) => {
    const prng = root.fork(`camera-${i}`);
    const driver = drawDriverProfile(prng);
    const vehicle = new Vehicle(
      cameraDisplayId(i),
      driver,
      prng.fork('drive'),
      graph,
      p.node,
      p.departAtMs,
      scenario.backgroundBrakesPer100Km,
    );
    const cam: Camera = {
      vehicle,
      key: prng.uuid(),
      prng,
      pending: [],
      // Stagger the first batches so that the cameras do not all post at once.
      nextFlushMs: now + prng.uniform(5, batchMaxS) * 1000,
    };
    if (p.via) cam.via = p.via;
    return cam;
  });

  const batchOf = (cam: Camera, index: number, tMs: number): FleetBatch | undefined => {
    const seg = cam.vehicle.takeSegment(tMs);
    if (seg) cam.pending.push(seg);
    if (cam.pending.length === 0) return undefined;
    const events = cam.pending;
    cam.pending = [];
    stats.batches++;
    for (const e of events) stats.events[e.type] = (stats.events[e.type] ?? 0) + 1;
    return { camera: index, body: { schema: 1, batchId: cam.prng.uuid(), sentAt: isoOf(tMs), events } };
  };

  const advanceTo = (tMs: number): FleetBatch[] => {
    const out: FleetBatch[] = [];
    while (now + stepMs <= tMs) {
      now += stepMs;
      planner.accrue(now, stepMs);
      for (let i = 0; i < cameras.length; i++) {
        const cam = cameras[i] as Camera;
        driveStep(cam, i, drive, now, stepMs, cam.pending);
        if (now >= cam.nextFlushMs) {
          const b = batchOf(cam, i, now);
          if (b) out.push(b);
          cam.nextFlushMs = now + cam.prng.uniform(batchMinS, batchMaxS) * 1000;
        }
      }
    }
    return out;
  };

  return {
    scenario,
    get nowMs() {
      return now;
    },
    advanceTo,
    flush: () => cameras.flatMap((c, i) => batchOf(c, i, now) ?? []),
    cameras: () =>
      cameras.map((c) => {
        const v = c.vehicle.view();
        return { id: c.vehicle.displayId, lat: v.lat, lng: v.lng, heading: v.heading, speedMps: v.speedMps };
      }),
    cameraKey: (i) => cameras[i]?.key ?? '',
    incidents: () => scenario.incidents.map((i) => ({ ...i })),
    stats: () => ({ ...stats, events: { ...stats.events } }),
  };
}
