import type { TelemetryEnvelope } from '../../lib/contract/telemetry.ts';
import type { DriverWarning } from '../badas/badasMonitor.ts';
import type { BadasScorer } from '../badas/badasScorer.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Random } from './random.ts';
import type { KeyValueStorage } from './storage.ts';
import type { Gzip, Transport } from './transport.ts';

/**
 * Everything the pipeline may use from the world it runs in. Nothing else is reached for:
 * `edge/` code must run unmodified on QuickJS (no `node:*`, no WebAssembly, no timers).
 */
export interface EdgePlatform {
  clock: Clock;
  random: Random;
  /**
   * Randomness for the night-scene reporter's ids and jitter; absent: {@link random}. A seeded
   * host (the simulator) hands a stream of its own, so that night reports leave every other
   * event's ids and privacy trims as they would be without them.
   */
  nightRandom?: Random;
  storage: KeyValueStorage;
  logger: Logger;
  /** Absent in replay: nothing is sent. */
  transport?: Transport;
  /** Absent where the runtime has no compressor (QuickJS): bodies then go uncompressed. */
  gzip?: Gzip;
  /**
   * The BADAS anticipation model, the `.onnx` bytes (`edge/badas/model/badas-v1.onnx`). The
   * pipeline never reads a file: on Node the adapter reads the vendored file
   * (`readBadasModel()`), on a camera the firmware hands in the bytes it received over the air
   * (`GET /v1/models/current`, signature checked by the host). The operating point travels
   * inside the file, so a new model brings its own thresholds. Absent: no BADAS, and
   * `EdgePipeline.pushFrame` refuses frames.
   */
  badasModel?: Uint8Array;
  /**
   * A BADAS scorer the host built itself — onnxruntime-web where WebAssembly exists, a vendor's
   * NPU runtime, a stand-in in tests. Wins over {@link badasModel}; it carries its own version
   * and operating point.
   */
  badasScorer?: BadasScorer;
  /**
   * Warns the driver (a beep, a light): called synchronously, on the frame, when the BADAS
   * warning is raised and when it clears — never more often, the hysteresis sees to that.
   * A platform capability, not configuration: configuration is data that arrives over the air
   * as JSON, and the way a camera beeps is its firmware's.
   */
  onDriverWarning?: (warning: DriverWarning) => void;
  /**
   * The over-the-air artefacts the camera runs, one per line (`OtaUpdater.running()` in
   * `edge/ota/updater.ts`): every batch names them, so the cloud's staged rollout can compare
   * the candidate's cohort with the control. Absent: batches carry no `artefacts` field.
   */
  runningArtefacts?: () => NonNullable<TelemetryEnvelope['artefacts']>;
}
