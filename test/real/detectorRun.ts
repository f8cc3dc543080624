import { ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { createSeededRandom } from '../../edge/core/random.ts';
import { MemoryStorage } from '../../edge/core/storage.ts';
import type { DetectedEvent } from '../../edge/detectors/detectedEvent.ts';
import { DEFAULT_EDGE_CONFIG, type EdgeConfig } from '../../edge/edgeConfig.ts';
import { EdgePipeline } from '../../edge/pipeline.ts';
import type { CalibrationState } from '../../edge/sensors/mountCalibration.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';

/** What the camera decided on one recording. */
export interface DetectorRun {
  detections: DetectedEvent[];
  calibration: CalibrationState;
  /** Sensor time of the first sample. */
  startMs: number;
}

/**
 * Runs the real camera pipeline (calibration, detectors, everything) over a recording and
 * returns every detection as decided, before placement and redaction — so detection is judged
 * apart from privacy, and recordings without GPS can be judged at all.
 */
export function runDetectors(
  gps: readonly GpsFix[],
  imu: readonly ImuSample[],
  config: Partial<EdgeConfig> = {},
): DetectorRun {
  const detections: DetectedEvent[] = [];
  const pipeline = new EdgePipeline(
    {
      clock: new ManualClock(),
      random: createSeededRandom('real'),
      storage: new MemoryStorage(),
      logger: silentLogger,
    },
    { ...DEFAULT_EDGE_CONFIG, ...config },
    undefined,
    { detected: (e) => detections.push(e) },
  );
  let i = 0;
  let j = 0;
  while (i < gps.length || j < imu.length) {
    const g = gps[i];
    const m = imu[j];
    if (g && (!m || g.tMs <= m.tMs)) {
      pipeline.pushGps(g);
      i++;
    } else if (m) {
      pipeline.pushImu(m);
      j++;
    }
  }
  pipeline.finish();
  return {
    detections,
    calibration: pipeline.calibration.state,
    startMs: Math.min(gps[0]?.tMs ?? Number.POSITIVE_INFINITY, imu[0]?.tMs ?? Number.POSITIVE_INFINITY),
  };
}
