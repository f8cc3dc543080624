import type { KeyValueStorage } from '../edge/core/storage.ts';
import { DEFAULT_EDGE_CONFIG } from '../edge/edgeConfig.ts';
import type { LocatedEvent } from '../edge/privacy/redactor.ts';
import { createPrng, type Prng } from '../lib/random/prng.ts';
import { SimCamera } from './camera/simCamera.ts';
import { cameraDisplayId } from './cameraNames.ts';
import {
  createNightIsp,
  DEFAULT_NIGHT_ISP,
  findNightSensorModel,
  type NightIsp,
  type NightIspOptions,
  type SceneStatsSink,
  townLuminance,
} from './night/nightIsp.ts';
import { type CameraModel, drawCameraModel } from './sensors/cameraModels.ts';
import { SensorRig, type SensorRigOptions, type SensorSink } from './sensors/sensorRig.ts';
import { type DriveContext, drawDriverProfile, driveStep } from './world/driveStep.ts';
import type { Incident } from './world/incidents.ts';
import type { RoadGraph } from './world/roadGraph.ts';
import type { Scenario } from './world/scenario.ts';
import { TripPlanner } from './world/tripPlanner.ts';
import { type BrakeTruth, drivingWorld, type RoadFeatureTruth, Vehicle } from './world/vehicle.ts';

const G = 9.80665;

/** A camera on the live map: position, model and the state of its pipeline. `id` is a display name. */
export interface SimCameraView {
  id: string;
  lat: number;
  lng: number;
  heading: number;
  speedMps: number;
  model: string;
  /** `forward`: fully calibrated; `gravity`: "down" known, forward not yet; `none`: just started. */
  calibration: 'forward' | 'gravity' | 'none';
  /** Batches waiting in the camera's durable queue. */
  queueDepth: number;
}

/** A hard brake that happened, by camera. */
export interface CameraBrakeTruth extends BrakeTruth {
  camera: number;
}

/** A road feature of an incident that a camera's wheels hit. */
export interface CameraHitTruth extends RoadFeatureTruth {
  camera: number;
  /** Vertical response at 10 m/s of this pass (after the wheel path), m/s². */
  amplitudeAt10Mps2: number;
}

/** Counters of a camera fleet. */
export interface CameraFleetStats {
  trips: number;
  drivenKm: number;
  gpsFixes: number;
  imuSamples: number;
  detected: number;
  batchesQueued: number;
}

/** Options of {@link createCameraFleet}. */
export interface CameraFleetOptions {
  /** Vehicle integration step, ms (default 100: fine enough for jerk-limited braking). */
  stepMs?: number;
  /** The flash of camera `i` (default: in memory). */
  storageFor?: (i: number) => KeyValueStorage;
  /** Every detection a camera makes, unredacted (its local record). */
  onDetection?: (camera: number, e: LocatedEvent) => void;
  /** Keep ground truth (hard brakes, incident hits) for scoring (default false: it grows). */
  recordTruth?: boolean;
  sensors?: SensorRigOptions;
  /** Camera models to draw from (default {@link CAMERA_MODELS}). */
  models?: readonly CameraModel[];
  /** Synthesise sensors but discard the samples (benches: the cost of synthesis alone). */
  sensorsOnly?: boolean;
  /**
   * The cameras' image statistics (default {@link DEFAULT_NIGHT_ISP}); `false`: none, as before
   * the fleet fed `night_scene`. A camera model without a night sensor model sends none anyway.
   */
  nightIsp?: NightIspOptions | false;
}

const DISCARD: SensorSink = { gps: () => {}, imu: () => {} };
const DISCARD_SCENE: SceneStatsSink = { sceneStats: () => {} };

interface Unit {
  vehicle: Vehicle;
  rig: SensorRig;
  camera: SimCamera;
  prng: Prng;
  /** The camera's image sensor at night; absent for a model the simulation has no night model of. */
  isp?: NightIsp | undefined;
  via?: Incident | undefined;
}

/**
 * A fleet of simulated cars, each with a dash cam that runs the real camera code on sensor
 * streams synthesised from the car's motion. The simulation only moves cars and writes sensor
 * samples; every event the cloud sees is one a camera's pipeline detected, redacted, batched and
 * queued. Send the queues with each camera's uplink (`camera.connect`).
 */
export interface CameraFleet {
  readonly scenario: Scenario;
  readonly nowMs: number;
  readonly cameras: readonly SimCamera[];
  /** Moves every car and its sensors to `tMs` (never beyond). */
  advanceTo(tMs: number): void;
  /** Shutdown: each camera decides pending events, ends its trip and closes its batch. */
  finish(): void;
  views(): SimCameraView[];
  incidents(): Incident[];
  brakes(): CameraBrakeTruth[];
  hits(): CameraHitTruth[];
  stats(): CameraFleetStats;
}

/**
 * Creates the fleet of a scenario. Pure apart from the cameras' storage: all randomness comes
 * from the scenario seed, time from the caller.
 *
 * @example
 * const fleet = createCameraFleet(graph, defaultScenario(1, graph, { startMs }));
 * fleet.advanceTo(startMs + 60_000);
 * fleet.cameras[0]?.pipeline.queue.bodies(); // what camera 0 would POST
 */
export function createCameraFleet(
  graph: RoadGraph,
  scenario: Scenario,
  options: CameraFleetOptions = {},
): CameraFleet {
  const stepMs = options.stepMs ?? 100;
  const root = createPrng(scenario.seed).fork('camera-fleet');
  const planner = new TripPlanner(graph, scenario, root.fork('planner'));
  const world = drivingWorld(graph, scenario);
  // Each pothole has its own depth: its vertical response at 10 m/s, 0.3–1.5 g.
  const potholeAt10 = new Map<string, number>();
  for (const inc of scenario.incidents)
    potholeAt10.set(inc.id, root.fork(`depth-${inc.id}`).uniform(0.3, 1.5) * G);
  let now = scenario.startMs;
  const stats = { trips: 0, drivenKm: 0, detected: 0 };
  const brakes: CameraBrakeTruth[] = [];
  const hits: CameraHitTruth[] = [];
  const drive: DriveContext = { planner, world, scenario, stats };
  const placements = planner.place(scenario.cameras, now);
  const luminanceOf = townLuminance(scenario.seed);
  const ispOptions = options.nightIsp === false ? undefined : (options.nightIsp ?? DEFAULT_NIGHT_ISP);
  const units: Unit[] = placements.map((p, i) => {
    const prng = root.fork(`camera-${i}`);
    const driver = drawDriverProfile(prng);
    const model = drawCameraModel(prng.fork('model'), options.models);
    const rig = new SensorRig(model, prng.fork('sensors'), now, {
      maxLateralMps2: prng.uniform(2, 3),
      ...options.sensors,
    });
    const storage = options.storageFor?.(i);
    const onDetection = options.onDetection;
    const nightModel = findNightSensorModel(model.name);
    // Its own fork: drawing the device and its frames' noise shifts no other stream of the camera.
    const isp =
      nightModel && ispOptions
        ? createNightIsp(nightModel, prng.fork('night-isp'), now, luminanceOf, ispOptions)
        : undefined;
    const camera = new SimCamera({
      seed: `${scenario.seed}-${i}`,
      // Night reports name the model and firmware, so the cloud calibrates each pair apart.
      config: {
        camera: {
          model: model.name,
          firmware: nightModel?.firmware ?? DEFAULT_EDGE_CONFIG.camera.firmware,
        },
      },
      ...(storage ? { storage } : {}),
      onDetection: (e) => {
        stats.detected++;
        onDetection?.(i, e);
      },
    });
    const hitPrng = prng.fork('wheel-path');
    const vehicle = new Vehicle(
      cameraDisplayId(i),
      driver,
      prng.fork('drive'),
      graph,
      p.node,
      p.departAtMs,
      scenario.backgroundBrakesPer100Km,
      {
        hardBrake: (b) => {
          if (options.recordTruth) brakes.push({ ...b, camera: i });
        },
        roadFeature: (f) => {
          // Wheel path: most passes put a wheel squarely in it, some only clip its edge.
          const path = hitPrng.chance(0.7) ? hitPrng.uniform(0.85, 1) : hitPrng.uniform(0.3, 0.85);
          const at10 =
            f.kind === 'pothole'
              ? (potholeAt10.get(f.incidentId) ?? 0.6 * G) * path
              : hitPrng.uniform(0.2, 0.8) * G * path;
          rig.roadHit(f.tMs, f.kind === 'pothole' ? 'pothole' : 'bump', at10, f.speedMps);
          if (options.recordTruth) hits.push({ ...f, camera: i, amplitudeAt10Mps2: at10 });
        },
      },
    );
    const unit: Unit = { vehicle, rig, camera, prng, isp };
    if (p.via) unit.via = p.via;
    return unit;
  });
  const cameras = units.map((u) => u.camera);
  const sinks: SensorSink[] = units.map((u) => (options.sensorsOnly ? DISCARD : u.camera));

  const advanceTo = (tMs: number): void => {
    while (now + stepMs <= tMs) {
      now += stepMs;
      planner.accrue(now, stepMs);
      for (let i = 0; i < units.length; i++) {
        const u = units[i] as Unit;
        const v = u.vehicle;
        // The camera builds its own events from the sensors: the vehicle's direct ones are dropped.
        const accelMps2 = driveStep(u, i, drive, now, stepMs, []) ? v.accelMps2 : 0;
        u.rig.step(
          {
            tMs: now,
            lat: v.lat,
            lng: v.lng,
            headingDeg: v.heading,
            speedMps: v.speedMps,
            accelMps2,
          },
          sinks[i] as SensorSink,
        );
        u.isp?.frames(now, v.lat, v.lng, options.sensorsOnly ? DISCARD_SCENE : u.camera);
      }
    }
  };

  return {
    scenario,
    get nowMs() {
      return now;
    },
    cameras,
    advanceTo,
    finish: () => {
      for (const c of cameras) c.pipeline.finish();
    },
    views: () =>
      units.map((u) => {
        const v = u.vehicle.view();
        return {
          id: u.vehicle.displayId,
          lat: v.lat,
          lng: v.lng,
          heading: v.heading,
          speedMps: v.speedMps,
          model: u.rig.model.name,
          calibration: u.camera.calibrationState,
          queueDepth: u.camera.queueDepth,
        };
      }),
    incidents: () => scenario.incidents.map((i) => ({ ...i })),
    brakes: () => brakes.slice(),
    hits: () => hits.slice(),
    stats: () => {
      let gpsFixes = 0;
      let imuSamples = 0;
      let batchesQueued = 0;
      for (const u of units) {
        gpsFixes += u.rig.stats.gpsFixes;
        imuSamples += u.rig.stats.imuSamples;
        batchesQueued += u.camera.pipeline.queue.stats.enqueued;
      }
      return { ...stats, gpsFixes, imuSamples, batchesQueued };
    },
  };
}
