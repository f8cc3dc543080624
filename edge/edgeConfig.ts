import { type BadasStageConfig, DEFAULT_BADAS_STAGE } from './badas/badasStage.ts';
import {
  DEFAULT_TRAINING_COLLECTOR,
  type TrainingCollectorConfig,
} from './badas/learning/trainingSampleCollector.ts';
import { DEFAULT_HARD_BRAKE, type HardBrakeConfig } from './detectors/hardBrake.ts';
import { DEFAULT_HARD_CORNER, type HardCornerConfig } from './detectors/hardCorner.ts';
import { DEFAULT_ROAD_ANOMALY, type RoadAnomalyConfig } from './detectors/roadAnomaly.ts';
import { DEFAULT_TRIP_DETECTOR, type TripDetectorConfig } from './detectors/tripDetector.ts';
import { DEFAULT_NIGHT_SCENE, type NightSceneConfig } from './night/nightSceneReporter.ts';
import { DEFAULT_PLACE_LEARNER, type PlaceLearnerConfig } from './privacy/placeLearner.ts';
import { DEFAULT_REDACTOR, type RedactorConfig } from './privacy/redactor.ts';
import { DEFAULT_GPS_FILTER, type GpsFilterConfig } from './sensors/gpsFilter.ts';
import { DEFAULT_MOUNT_CALIBRATION, type MountCalibrationConfig } from './sensors/mountCalibration.ts';
import { type BatcherConfig, DEFAULT_BATCHER } from './uplink/batcher.ts';
import { DEFAULT_DURABLE_QUEUE, type DurableQueueConfig } from './uplink/durableQueue.ts';

/** A place the user declared (`--home LAT,LNG`). */
export interface DeclaredPlace {
  lat: number;
  lng: number;
}

/** Everything tunable in the camera pipeline; each part documents its defaults. */
export interface EdgeConfig {
  /** Network-sharing consent. Off: nothing is queued for upload. */
  networkSharing: boolean;
  declaredPlaces: DeclaredPlace[];
  gpsFilter: GpsFilterConfig;
  calibration: MountCalibrationConfig;
  hardBrake: HardBrakeConfig;
  hardCorner: HardCornerConfig;
  roadAnomaly: RoadAnomalyConfig;
  trip: TripDetectorConfig;
  /** BADAS per camera frame (`EdgePipeline.pushFrame`): camera geometry, near-miss rule, ego-state ages. */
  badas: BadasStageConfig;
  /**
   * Learning from the fleet: labelled BADAS windows as `training_sample` events. A consent of its
   * own, off by default: sharing hazards with the network is not agreeing to train its models.
   */
  learning: { contribute: boolean; collector: TrainingCollectorConfig };
  /** The camera's model and firmware: night reports name them, the cloud calibrates per pair. */
  camera: { model: string; firmware: string };
  /** `night_scene` reports from the ISP's frame statistics (`EdgePipeline.pushSceneStats`). */
  nightScene: Omit<NightSceneConfig, 'cameraModel' | 'firmware'>;
  places: PlaceLearnerConfig;
  redactor: RedactorConfig;
  batcher: BatcherConfig;
  queue: DurableQueueConfig;
}

/** Defaults: sharing OFF until the user opts in (privacy by default). */
export const DEFAULT_EDGE_CONFIG: EdgeConfig = {
  networkSharing: false,
  declaredPlaces: [],
  gpsFilter: DEFAULT_GPS_FILTER,
  calibration: DEFAULT_MOUNT_CALIBRATION,
  hardBrake: DEFAULT_HARD_BRAKE,
  hardCorner: DEFAULT_HARD_CORNER,
  roadAnomaly: DEFAULT_ROAD_ANOMALY,
  trip: DEFAULT_TRIP_DETECTOR,
  badas: DEFAULT_BADAS_STAGE,
  learning: { contribute: false, collector: DEFAULT_TRAINING_COLLECTOR },
  camera: { model: 'generic', firmware: '0.0.0' },
  nightScene: DEFAULT_NIGHT_SCENE,
  places: DEFAULT_PLACE_LEARNER,
  redactor: DEFAULT_REDACTOR,
  batcher: DEFAULT_BATCHER,
  queue: DEFAULT_DURABLE_QUEUE,
};
