import { type Clock, ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { createSeededRandom } from '../../edge/core/random.ts';
import { type KeyValueStorage, MemoryStorage } from '../../edge/core/storage.ts';
import type { Gzip, Transport } from '../../edge/core/transport.ts';
import { DEFAULT_EDGE_CONFIG, type EdgeConfig } from '../../edge/edgeConfig.ts';
import type { SceneStats } from '../../edge/night/nightSceneReporter.ts';
import { EdgePipeline } from '../../edge/pipeline.ts';
import type { LocatedEvent } from '../../edge/privacy/redactor.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import { DEFAULT_UPLINK, Uplink } from '../../edge/uplink/uplink.ts';
import type { SensorSink } from '../sensors/sensorRig.ts';

/** Options of {@link SimCamera}. */
export interface SimCameraOptions {
  /** Seed of the camera's own randomness (ids, privacy offsets, backoff jitter). */
  seed: string;
  /** Flash of the camera (durable queue, learned places); in memory when absent. */
  storage?: KeyValueStorage;
  /** The camera's local, unredacted record of what it detected (stays on the device). */
  onDetection?: (e: LocatedEvent) => void;
  config?: Partial<EdgeConfig>;
}

/** Where a camera's uplink sends, once it is provisioned. */
export interface UplinkTarget {
  apiUrl: string;
  deviceToken: string;
  transport: Transport;
  gzip?: Gzip;
  /**
   * The uplink's clock for backoff and Retry-After (default: the camera's sensor clock). A fleet
   * talking to a real server over HTTP passes the wall clock: the server's waits are real time.
   */
  clock?: Clock;
}

/**
 * One simulated dash cam running the real camera code: the sensors write into an
 * {@link EdgePipeline} (calibration, detectors, trips, redaction, consent, batcher, durable
 * queue) and an {@link Uplink} sends its queue. Its clock is the sensor time of the latest
 * sample, as on a camera whose clock is GPS-disciplined, so the simulation can run faster or
 * slower than the wall clock without the camera noticing.
 */
export class SimCamera implements SensorSink {
  readonly clock = new ManualClock();
  readonly pipeline: EdgePipeline;
  readonly storage: KeyValueStorage;
  private readonly random;
  private link: Uplink | undefined;

  constructor(options: SimCameraOptions) {
    this.storage = options.storage ?? new MemoryStorage();
    this.random = createSeededRandom(options.seed);
    const onDetection = options.onDetection;
    this.pipeline = new EdgePipeline(
      {
        clock: this.clock,
        random: this.random,
        // Night reports draw from their own stream: with or without them, every other event is the same.
        nightRandom: createSeededRandom(`${options.seed}-night`),
        storage: this.storage,
        logger: silentLogger,
      },
      // The simulated owner opted in to network sharing (the fleet provisions consent too).
      { ...DEFAULT_EDGE_CONFIG, networkSharing: true, ...options.config },
      onDetection ? { record: onDetection } : undefined,
    );
  }

  /** A GPS fix from the receiver. */
  gps(fix: GpsFix): void {
    this.clock.set(fix.tMs);
    this.pipeline.pushGps(fix);
  }

  /** An IMU sample. */
  imu(sample: ImuSample): void {
    this.clock.set(sample.tMs);
    this.pipeline.pushImu(sample);
  }

  /** One frame's statistics from the image pipeline's ISP (the night calibration's input). */
  sceneStats(stats: SceneStats): void {
    this.clock.set(stats.tMs);
    this.pipeline.pushSceneStats(stats);
  }

  /** Connects the uplink (after provisioning). */
  connect(target: UplinkTarget): void {
    this.link = new Uplink(
      this.pipeline.queue,
      target.transport,
      target.clock ?? this.clock,
      this.random,
      silentLogger,
      { ...DEFAULT_UPLINK, apiUrl: target.apiUrl, deviceToken: target.deviceToken },
      target.gzip,
    );
  }

  /** The uplink, once connected. */
  get uplink(): Uplink | undefined {
    return this.link;
  }

  /** Batches waiting on the device. */
  get queueDepth(): number {
    return this.pipeline.queue.length;
  }

  /** Calibration state as an operator reads it. */
  get calibrationState(): 'forward' | 'gravity' | 'none' {
    const c = this.pipeline.calibration;
    return c.forwardReady ? 'forward' : c.gravityReady ? 'gravity' : 'none';
  }
}
