import type { TelemetryEvent } from '../lib/contract/events.ts';
import { createPortableBadasScorer } from './badas/badasScorer.ts';
import { BadasStage, type FrameInput, type FrameResult } from './badas/badasStage.ts';
import { type LabelledWindow, TrainingSampleCollector } from './badas/learning/trainingSampleCollector.ts';
import { toTrainingSampleEvent } from './badas/learning/trainingSampleEvent.ts';
import { ConflictPriors } from './badas/priors/conflictPriors.ts';
import { EdgeError } from './core/errors.ts';
import type { EdgePlatform } from './core/platform.ts';
import type { DetectedEvent } from './detectors/detectedEvent.ts';
import { HardBrakeDetector } from './detectors/hardBrake.ts';
import { HardCornerDetector } from './detectors/hardCorner.ts';
import { RoadAnomalyDetector } from './detectors/roadAnomaly.ts';
import { TripDetector, type TripSignal } from './detectors/tripDetector.ts';
import { DEFAULT_EDGE_CONFIG, type EdgeConfig } from './edgeConfig.ts';
import { H3Cells } from './geo/h3Cells.ts';
import { NightSceneReporter, type SceneStats } from './night/nightSceneReporter.ts';
import { ConsentGate } from './privacy/consentGate.ts';
import { PlaceLearner } from './privacy/placeLearner.ts';
import { type LocatedEvent, Redactor } from './privacy/redactor.ts';
import { GpsFilter } from './sensors/gpsFilter.ts';
import { GpsKinematics } from './sensors/gpsKinematics.ts';
import { MountCalibration } from './sensors/mountCalibration.ts';
import type { FilteredFix, GpsFix, ImuSample } from './sensors/samples.ts';
import { Batcher } from './uplink/batcher.ts';
import { DurableQueue } from './uplink/durableQueue.ts';

/**
 * The camera's own record of what it detected, unredacted. It stays on the device (that is
 * the user's data) and is independent of network consent.
 */
export interface LocalRecorder {
  record(e: LocatedEvent): void;
}

/**
 * Sees every detection as the detectors decide it, before it is placed or redacted (device
 * diagnostics, and detector evaluation on recordings without GPS).
 */
export interface DetectionObserver {
  detected(e: DetectedEvent): void;
}

/** Counters of one pipeline run. */
export interface PipelineStats {
  detected: number;
  /** Detected events with no GPS position near their time: cannot be placed, not sent. */
  unlocated: number;
  /** Camera frames BADAS scored. */
  frames: number;
  /** Frames not scored: no ego speed near their time (no GPS yet), not after the previous frame, or not numbers. */
  framesSkipped: number;
}

/** How far (in time) an event may be from the fix that places it. */
const MAX_LOCATE_GAP_MS = 5000;

/**
 * The whole camera pipeline: GPS filter → mount calibration → detectors → trips →
 * redaction → consent gate → batcher → durable queue. Feed samples in time order with
 * `pushGps`/`pushImu` (and camera frames with `pushFrame`, for BADAS); batches appear in `queue`. Decisions run on sensor time, so the same
 * log gives the same payloads on every runtime.
 *
 * @example
 * const p = new EdgePipeline(platform, { ...DEFAULT_EDGE_CONFIG, networkSharing: true });
 * for (const s of mergedSamples) s.kind === 'gps' ? p.pushGps(s) : p.pushImu(s);
 * p.finish(); // p.queue.bodies() are the POST bodies
 */
export class EdgePipeline {
  readonly queue: DurableQueue;
  readonly calibration: MountCalibration;
  readonly consent: ConsentGate;
  readonly places: PlaceLearner;
  readonly stats: PipelineStats = { detected: 0, unlocated: 0, frames: 0, framesSkipped: 0 };
  /**
   * The conflict-prior tiles BADAS uses (coverage-aware anticipation). Empty until the host's
   * over-the-air updater hands verified tiles in (`conflictPriorsConsumer(pipeline.priors)` as
   * its `conflict_priors` consumer); with no tile covering the road, BADAS is the plain model.
   */
  readonly priors = new ConflictPriors();
  private readonly gpsFilter: GpsFilter;
  private readonly kinematics = new GpsKinematics();
  private readonly hardBrake: HardBrakeDetector;
  private readonly hardCorner: HardCornerDetector;
  private readonly roadAnomaly: RoadAnomalyDetector;
  private readonly trips: TripDetector;
  private readonly redactor: Redactor;
  private readonly batcher: Batcher;
  private readonly night: NightSceneReporter;
  /** Fleet learning (when the user contributes): labelled windows, placed, waiting for the batcher. */
  private readonly learning: TrainingSampleCollector | undefined;
  private training: TelemetryEvent[] = [];
  private readonly random: EdgePlatform['random'];
  private readonly modelVersion: string;
  /** BADAS; absent when the platform supplies no model. */
  private readonly badas: BadasStage | undefined;
  private readonly recent: FilteredFix[] = [];
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(
    platform: EdgePlatform,
    config: EdgeConfig = DEFAULT_EDGE_CONFIG,
    private readonly recorder?: LocalRecorder,
    private readonly observer?: DetectionObserver,
  ) {
    this.queue = new DurableQueue(platform.storage, config.queue);
    this.calibration = new MountCalibration(config.calibration);
    this.consent = new ConsentGate(config.networkSharing);
    this.places = new PlaceLearner(platform.storage, platform.random, config.places);
    for (const p of config.declaredPlaces) this.places.declare(p.lat, p.lng, 0);
    this.gpsFilter = new GpsFilter(config.gpsFilter);
    this.hardBrake = new HardBrakeDetector(config.hardBrake);
    this.hardCorner = new HardCornerDetector(config.hardCorner);
    this.roadAnomaly = new RoadAnomalyDetector(config.roadAnomaly);
    this.trips = new TripDetector(config.trip);
    this.redactor = new Redactor(this.places, new H3Cells(), platform.random, config.redactor);
    this.batcher = new Batcher(platform.random, config.batcher, platform.runningArtefacts);
    const scorer =
      platform.badasScorer ??
      (platform.badasModel ? createPortableBadasScorer(platform.badasModel) : undefined);
    if (scorer) this.badas = new BadasStage(scorer, config.badas, platform.onDriverWarning);
    this.badas?.setConflictPriors(this.priors);
    this.random = platform.random;
    this.modelVersion = scorer?.modelVersion ?? '';
    if (scorer && config.learning.contribute)
      this.learning = new TrainingSampleCollector(platform.random, config.learning.collector);
    this.night = new NightSceneReporter(
      { ...config.nightScene, cameraModel: config.camera.model, firmware: config.camera.firmware },
      platform.nightRandom ?? platform.random,
      () => this.places.zones(),
    );
  }

  /** Feeds one GPS fix (implausible ones are rejected inside). */
  pushGps(raw: GpsFix): void {
    const fix = this.gpsFilter.push(raw);
    if (!fix) return;
    this.recent.push(fix);
    while (this.recent.length > 2 && fix.tMs - (this.recent[0] as FilteredFix).tMs > 30_000)
      this.recent.shift();
    const motion = this.kinematics.push(fix);
    if (motion) this.calibration.updateGps(motion);
    this.badas?.noteGps(fix, motion);
    this.roadAnomaly.setSpeed(fix.speedMps);
    this.night.pushFix({ tMs: fix.tMs, lat: fix.lat, lng: fix.lng, speedMps: fix.speedMps });
    const ready = this.calibration.forwardReady;
    this.handle(this.hardBrake.onGps(fix, motion, ready));
    this.handle(this.hardCorner.onGps(fix, motion, ready));
    this.onTrip(this.trips.push(fix));
    this.after(fix.tMs);
  }

  /** Feeds one IMU sample (sensor axes, gravity included). */
  pushImu(s: ImuSample): void {
    const v = this.calibration.updateImu(s);
    if (v) {
      this.badas?.noteImu(v, this.calibration.forwardReady);
      this.handle(this.roadAnomaly.onImu(v));
      this.handle(this.hardBrake.onImu(v));
      this.handle(this.hardCorner.onImu(v));
    }
    this.after(s.tMs);
  }

  /**
   * Feeds one camera frame at sensor time `tMs` (the GPS/IMU clock), in time order with the
   * other samples: the image detector's boxes (a QuickJS camera passes its NPU's, parsed with
   * `parseHostDetections`), or the lead's kinematics when the host measured them. BADAS scores
   * it with the ego speed and acceleration the pipeline already knows; a `near_miss` or
   * `badas_alert` it produces is placed and redacted like every other event, and the platform's
   * `onDriverWarning` hears the warning rise and clear. Returns the frame's score and alert, or
   * undefined when the frame could not be scored (no ego speed yet, out of order, or host
   * kinematics that are not numbers — counted in `stats.framesSkipped`).
   *
   * @throws EdgeError `BAD_ARGUMENT` when the platform supplied no BADAS model or scorer
   */
  pushFrame(tMs: number, input: FrameInput): FrameResult | undefined {
    if (!this.badas)
      throw new EdgeError(
        'BAD_ARGUMENT',
        'pushFrame needs platform.badasModel (the .onnx bytes) or platform.badasScorer',
      );
    const r = this.badas.push(tMs, input);
    if (typeof r === 'string') {
      this.stats.framesSkipped++;
      return undefined;
    }
    this.stats.frames++;
    this.handle(r.detections);
    if (this.learning) {
      const alertRaised = r.step.detections.some((d) => d.type === 'badas_alert');
      // The model's own score: a conflict prior may have shifted the one the alert used.
      const score = r.step.prior?.modelScore ?? r.step.score;
      this.placeSamples(this.learning.push(r.frame, { score, alertRaised }));
    }
    this.after(tMs);
    return r;
  }

  /**
   * Feeds one frame's statistics from the host ISP (mean luma, noise, exposure, gain), in time
   * order with the other samples. At night — by the sun at the vehicle's place — they become
   * `night_scene` reports, redacted like every other event, that let the network calibrate
   * this camera model's night image pipeline.
   */
  pushSceneStats(stats: SceneStats): void {
    this.night.pushStats(stats);
    this.after(stats.tMs);
  }

  /** End of input (log end, shutdown): decides pending events, ends the trip, closes the batch. */
  finish(): void {
    if (this.badas) this.handle(this.badas.flush());
    if (this.learning) this.placeSamples(this.learning.flush());
    this.handle(this.roadAnomaly.flush());
    this.handle(this.hardBrake.flush());
    this.handle(this.hardCorner.flush());
    this.onTrip(this.trips.finish());
    this.after(this.lastMs);
    this.closeBatch(this.lastMs);
  }

  /** Labelled windows become `training_sample` events at their place (none in a zone or without consent). */
  private placeSamples(windows: readonly LabelledWindow[]): void {
    for (const w of windows) {
      const tMs = Math.round(w.tS * 1000);
      const at = this.locate(tMs);
      if (!at) continue;
      const e = toTrainingSampleEvent(
        w,
        { lat: at.lat, lng: at.lng, tMs },
        {
          zones: this.places.zones(),
          sharing: this.consent.sharing,
          random: this.random,
          modelVersion: this.modelVersion,
        },
      );
      if (e) this.training.push(e);
    }
  }

  private onTrip(signals: TripSignal[]): void {
    for (const s of signals) {
      if (s.kind === 'start') this.redactor.tripStart(s.at);
      else if (s.kind === 'fix') this.redactor.tripFix(s.fix);
      else {
        this.redactor.tripEnd(s.at);
        this.night.stopped();
      }
    }
  }

  private handle(events: DetectedEvent[]): void {
    for (const e of events) {
      this.stats.detected++;
      this.observer?.detected(e);
      const at = this.locate(e.tMs);
      if (!at) {
        this.stats.unlocated++;
        continue;
      }
      const located: LocatedEvent = { ...e, lat: at.lat, lng: at.lng, headingDeg: at.headingDeg };
      this.recorder?.record(located);
      this.redactor.addEvent(located);
    }
  }

  /** The latest fix at or before `tMs` (else the first after), if close enough in time. */
  private locate(tMs: number): FilteredFix | undefined {
    let best: FilteredFix | undefined;
    for (const f of this.recent) {
      if (f.tMs <= tMs) best = f;
      else {
        if (!best || f.tMs - tMs < tMs - best.tMs) best = f;
        break;
      }
    }
    return best && Math.abs(best.tMs - tMs) <= MAX_LOCATE_GAP_MS ? best : undefined;
  }

  private after(tMs: number): void {
    if (tMs > this.lastMs) this.lastMs = tMs;
    const now = this.lastMs;
    // Called for every sample (IMU up to 200 Hz): a source is taken only when it holds events,
    // so a quiet sample allocates nothing.
    if (this.redactor.readyCount() > 0) this.admit(this.redactor.takeEvents(), now);
    if (this.night.readyCount() > 0) this.admit(this.night.takeEvents(), now);
    if (this.training.length > 0) {
      const training = this.training;
      this.training = [];
      this.admit(training, now);
    }
    if (!this.consent.sharing) {
      // Consent off: redaction still runs (it learns places), but nothing reaches the queue.
      // Taken once: every call drains the segments, so a loop bound on it counted only one.
      const withheld = this.redactor.takeTripSegments().length;
      for (let i = 0; i < withheld; i++) this.consent.admit();
      return;
    }
    if (this.redactor.pendingTripContent() > 0) this.batcher.touch(now);
    if (this.batcher.due(now)) this.closeBatch(now);
  }

  /** Events into the batch, as consent admits them (refused ones are counted as dropped). */
  private admit(events: readonly TelemetryEvent[], now: number): void {
    for (const e of events) {
      if (!this.consent.admit()) continue;
      if (this.batcher.wouldOverflow(e)) this.closeBatch(now);
      this.batcher.add(e, now);
    }
  }

  private closeBatch(nowMs: number): void {
    if (this.consent.sharing) {
      for (const seg of this.redactor.takeTripSegments()) {
        if (this.consent.admit()) this.batcher.add(seg, nowMs);
      }
    }
    const body = this.batcher.close(nowMs);
    if (body !== undefined) this.queue.enqueue(body);
  }
}
