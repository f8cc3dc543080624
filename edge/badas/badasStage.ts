import type { DetectedEvent } from '../detectors/detectedEvent.ts';
import { LowPass } from '../detectors/detectedEvent.ts';
import type { CameraGeometry } from '../perception/cameraGeometry.ts';
import type { Detection } from '../perception/detection.ts';
import type { TrackerConfig } from '../perception/iouTracker.ts';
import { LeadPerception } from '../perception/leadPerception.ts';
import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import { type BadasDetection, BadasMonitor, type BadasStep, type DriverWarning } from './badasMonitor.ts';
import type { BadasScorer } from './badasScorer.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';
import { DEFAULT_NEAR_MISS, type NearMissConfig } from './nearMiss.ts';
import type { ConflictPriors } from './priors/conflictPriors.ts';
import type { PriorAdjustConfig } from './priors/priorAdjustment.ts';

/** Settings of {@link BadasStage}: plain data, so it can arrive over the air with the rest of the config. */
export interface BadasStageConfig {
  /** The camera, for turning image boxes into bearings and ranges (only used for detection frames). */
  camera: CameraGeometry;
  tracker: Partial<Omit<TrackerConfig, 'classes'>>;
  nearMiss: NearMissConfig;
  /**
   * The ego speed is the last GPS fix's if it is at most this old. 2.5 s: receivers report at
   * 1 Hz (some at 0.5 Hz while slow); older than that, the speed at a hard brake may be off by
   * 20 m/s², i.e. useless, and the frame is not scored.
   */
  maxEgoSpeedAgeMs: number;
  /**
   * Calibrated longitudinal acceleration is low-passed with this time constant. 200 ms keeps a
   * braking onset (which builds over ~0.5 s) and drops the road vibration (> 5 Hz) that a
   * 100–200 Hz accelerometer carries; the anticipation model was trained on smooth ego accel.
   */
  accelTauMs: number;
  /** The IMU figure is used when its last sample is at most this old, else GPS's dv/dt. */
  maxImuAgeMs: number;
  /**
   * How conflict priors move the score where a tile covers the road (`DEFAULT_PRIOR_ADJUST` when
   * absent). Without a tile ({@link BadasStage.setConflictPriors}) it changes nothing.
   */
  priors?: PriorAdjustConfig;
}

/** Defaults: a 1280×720 windscreen camera with a 100° lens, 2 m behind the bumper. */
export const DEFAULT_BADAS_STAGE: BadasStageConfig = {
  camera: { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 100, setbackM: 2 },
  tracker: {},
  nearMiss: DEFAULT_NEAR_MISS,
  maxEgoSpeedAgeMs: 2500,
  accelTauMs: 200,
  maxImuAgeMs: 500,
};

/**
 * A frame's lead as the host already measured it. The ego fields are optional: when absent the
 * stage takes them from the pipeline's own sensors (GPS speed, calibrated IMU acceleration).
 */
export interface FrameKinematics {
  egoSpeedMps?: number;
  egoAccelMps2?: number;
  /** Bumper-to-bumper gap to the lead in the ego path; absent when there is none. */
  leadGapM?: number;
  /** Positive when approaching; absent when unknown. */
  leadClosingMps?: number;
}

/**
 * What a host hands in per camera frame: the image detector's boxes (a QuickJS camera's NPU
 * output, parsed with `parseHostDetections`), or ready lead kinematics.
 */
export type FrameInput = readonly Detection[] | FrameKinematics;

/** The result of one frame: the BADAS step and the detections it produced, ready to be placed. */
export interface FrameResult {
  step: BadasStep;
  detections: DetectedEvent[];
  /** The lead kinematics the model was fed (what fleet learning keeps as a sample). */
  frame: LeadKinematicsFrame;
}

/**
 * Why a frame was not scored (the pipeline counts these): no GPS speed near its time, not after
 * the previous frame, or host kinematics that are not numbers (NaN, ∞, a negative speed).
 */
export type FrameSkip = 'no_ego_speed' | 'out_of_order' | 'bad_frame';

/** Host kinematics are a trust boundary: every given field must be a finite number. */
function badKinematics(k: FrameKinematics): boolean {
  for (const v of [k.egoSpeedMps, k.egoAccelMps2, k.leadGapM, k.leadClosingMps])
    if (v !== undefined && !Number.isFinite(v)) return true;
  return k.egoSpeedMps !== undefined && k.egoSpeedMps < 0;
}

interface SpeedAt {
  tMs: number;
  speedMps: number;
}

/** How long ego speeds are remembered to stamp a near miss reported after its start. */
const SPEED_MEMORY_MS = 15_000;

/**
 * BADAS inside the camera pipeline: keeps the ego state the pipeline's sensors know (GPS speed,
 * calibrated longitudinal acceleration when the mount is calibrated, GPS dv/dt otherwise, yaw
 * rate for the ego corridor), runs perception on detection frames ({@link LeadPerception}) and
 * the anticipation model with its hysteresis ({@link BadasMonitor}) on every frame, and turns
 * its `near_miss` / `badas_alert` into {@link DetectedEvent}s stamped with the ego speed.
 * Portable and synchronous; sensor time only.
 *
 * @example
 * const stage = new BadasStage(createPortableBadasScorer(bytes), DEFAULT_BADAS_STAGE, ui.beep);
 * stage.noteGps(fix, motion); stage.noteImu(sample, calibrated);
 * const r = stage.push(frameMs, detections); // r.detections → locate → redact
 */
export class BadasStage {
  private readonly monitor: BadasMonitor;
  private perception: LeadPerception | undefined;
  private readonly accel: LowPass;
  private lastFix: FilteredFix | undefined;
  private lastMotion: GpsMotion | undefined;
  private imuAccel: { tMs: number; accelMps2: number } | undefined;
  private gyroYaw: { tMs: number; yawRateRps: number } | undefined;
  private lastFrameMs = Number.NEGATIVE_INFINITY;
  private readonly speeds: SpeedAt[] = [];
  private priors: ConflictPriors | undefined;

  constructor(
    scorer: BadasScorer,
    private readonly config: BadasStageConfig = DEFAULT_BADAS_STAGE,
    onDriverWarning?: (warning: DriverWarning) => void,
  ) {
    const options: ConstructorParameters<typeof BadasMonitor>[1] = { nearMiss: config.nearMiss };
    if (onDriverWarning) options.onDriverWarning = onDriverWarning;
    if (config.priors) options.priorAdjust = config.priors;
    this.monitor = new BadasMonitor(scorer, options);
    this.accel = new LowPass(config.accelTauMs);
  }

  /** A filtered GPS fix and, when known, the motion derived from it. */
  noteGps(fix: FilteredFix, motion: GpsMotion | undefined): void {
    this.lastFix = fix;
    if (motion) this.lastMotion = motion;
    if (this.priors) this.monitor.setCellPrior(this.priors.at(fix.lat, fix.lng));
  }

  /**
   * The conflict-prior tiles to use (the updater's verified `conflict_priors` artefacts), or
   * undefined to run the plain model everywhere. Looked up at every GPS fix: the prior of the
   * res-8 cell of the last fix applies to the frames after it; where no tile has the cell, none.
   */
  setConflictPriors(priors: ConflictPriors | undefined): void {
    this.priors = priors;
    const f = this.lastFix;
    this.monitor.setCellPrior(priors && f ? priors.at(f.lat, f.lng) : undefined);
  }

  /** A calibrated IMU sample; `forwardReady` says whether its longitudinal axis can be trusted. */
  noteImu(v: VehicleSample, forwardReady: boolean): void {
    if (forwardReady && Number.isFinite(v.longMps2))
      this.imuAccel = { tMs: v.tMs, accelMps2: this.accel.update(v.tMs, v.longMps2) };
    if (Number.isFinite(v.yawRateRps)) this.gyroYaw = { tMs: v.tMs, yawRateRps: v.yawRateRps };
  }

  /**
   * One camera frame at sensor time `tMs`. Returns why ({@link FrameSkip}) when the frame cannot
   * be scored: no recent ego speed, a frame not after the previous one, or kinematics that are
   * not numbers. A negative lead gap is taken as 0 (contact).
   */
  push(tMs: number, input: FrameInput): FrameResult | FrameSkip {
    if (!(tMs > this.lastFrameMs)) return 'out_of_order';
    const given = Array.isArray(input) ? undefined : (input as FrameKinematics);
    if (given && badKinematics(given)) return 'bad_frame';
    const speedMps = given?.egoSpeedMps ?? this.egoSpeedAt(tMs);
    if (speedMps === undefined) return 'no_ego_speed';
    this.lastFrameMs = tMs;
    const accelMps2 = given?.egoAccelMps2 ?? this.egoAccelAt(tMs);
    const tS = tMs / 1000;
    let frame: LeadKinematicsFrame;
    if (given) {
      frame = { tS, egoSpeedMps: speedMps, egoAccelMps2: accelMps2 };
      if (given.leadGapM !== undefined) {
        // A host's range minus its setback dips below 0 at the closest moments: that is contact, not an error.
        frame.leadGapM = Math.max(0, given.leadGapM);
        if (given.leadClosingMps !== undefined) frame.leadClosingMps = given.leadClosingMps;
      }
    } else {
      this.perception ??= new LeadPerception(this.config.camera, this.config.tracker);
      const ego: { speedMps: number; accelMps2: number; yawRateRps?: number } = { speedMps, accelMps2 };
      const yaw = this.yawRateAt(tMs);
      if (yaw !== undefined) ego.yawRateRps = yaw;
      frame = this.perception.step(tS, input as readonly Detection[], ego).frame;
    }
    this.speeds.push({ tMs, speedMps });
    while (this.speeds.length > 1 && tMs - this.speeds[0]!.tMs > SPEED_MEMORY_MS) this.speeds.shift();
    const step = this.monitor.push(frame);
    return { step, detections: step.detections.map((d) => this.toDetected(d)), frame };
  }

  /** End of the stream: a near miss still in progress. */
  flush(): DetectedEvent[] {
    return this.monitor.flush().map((d) => this.toDetected(d));
  }

  private egoSpeedAt(tMs: number): number | undefined {
    const f = this.lastFix;
    return f && Math.abs(tMs - f.tMs) <= this.config.maxEgoSpeedAgeMs ? f.speedMps : undefined;
  }

  private egoAccelAt(tMs: number): number {
    if (this.imuAccel && Math.abs(tMs - this.imuAccel.tMs) <= this.config.maxImuAgeMs)
      return this.imuAccel.accelMps2;
    const m = this.lastMotion;
    // No acceleration known: 0 is what the model sees most (steady driving), not a guess of braking.
    return m && Math.abs(tMs - m.tMs) <= this.config.maxEgoSpeedAgeMs ? m.accelMps2 : 0;
  }

  private yawRateAt(tMs: number): number | undefined {
    if (this.gyroYaw && Math.abs(tMs - this.gyroYaw.tMs) <= this.config.maxImuAgeMs)
      return this.gyroYaw.yawRateRps;
    const m = this.lastMotion;
    return m && Math.abs(tMs - m.tMs) <= this.config.maxEgoSpeedAgeMs ? m.yawRateRps : undefined;
  }

  /** The ego speed of the frame closest to `tMs` (a near miss is reported after it started). */
  private speedAt(tMs: number): number {
    let best = this.speeds[this.speeds.length - 1];
    for (const s of this.speeds)
      if (best === undefined || Math.abs(s.tMs - tMs) < Math.abs(best.tMs - tMs)) best = s;
    return best?.speedMps ?? 0;
  }

  private toDetected(d: BadasDetection): DetectedEvent {
    const speedMps = this.speedAt(d.tMs);
    return d.type === 'near_miss'
      ? { type: 'near_miss', tMs: d.tMs, ttcS: d.ttcS, badasScore: d.badasScore, speedMps }
      : { type: 'badas_alert', tMs: d.tMs, score: d.score, modelVersion: d.modelVersion, speedMps };
  }
}
