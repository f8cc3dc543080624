import type { StreamRecord } from '../../../lib/stream/streamRecord.ts';
import { isoOf } from '../../../lib/time/isoTime.ts';
import { createSeededRandom } from '../../core/random.ts';
import type { PrivacyZone } from '../../privacy/privacyZones.ts';
import { BadasMonitor } from '../badasMonitor.ts';
import type { BadasScorer } from '../badasScorer.ts';
import {
  DEFAULT_TRAINING_COLLECTOR,
  type TrainingCollectorConfig,
  TrainingSampleCollector,
} from '../learning/trainingSampleCollector.ts';
import { toTrainingSampleEvent } from '../learning/trainingSampleEvent.ts';
import type { Scenario } from './scenarios.ts';

/** How the simulated fleet is spread over cameras, places and days. */
export interface FleetLayout {
  /** Distinct cameras; drive `i` is camera `i mod cameras`'s. */
  cameras: number;
  /** Places the drives happen around (lat, lng); drive `i` is in place `⌊i / cameras⌋ mod places`. */
  places: readonly (readonly [number, number])[];
  /** First day of driving (epoch ms at 00:00 UTC); each camera drives a drive a day. */
  startDayMs: number;
  /** Privacy zones of every camera (the same for all in the simulation). */
  zones: readonly PrivacyZone[];
  /** Share of records the stream delivers twice (retries). */
  retryShare: number;
  seed: string;
  collector?: TrainingCollectorConfig;
}

/** Forty cameras a day around one of three places a few km apart in Berlin, no zones, 5 % of records delivered twice. */
export const DEFAULT_FLEET_LAYOUT: FleetLayout = {
  cameras: 40,
  places: [
    [52.52, 13.405],
    [52.49, 13.36],
    [52.55, 13.45],
  ],
  startDayMs: Date.UTC(2026, 4, 1),
  zones: [],
  retryShare: 0.05,
  seed: 'fleet-uploads-v1',
};

/**
 * What the fleet uploads while driving `drives` with the deployed model: each drive runs the
 * camera's own code — `BadasMonitor` (score, alert) and the {@link TrainingSampleCollector} —
 * and its labelled windows become `training_sample` events through the camera's redaction,
 * then one stream record per drive under the camera's pseudonym of that day, some delivered
 * twice. The same path as a real camera's, without HTTP (the ingest only validates and adds
 * the pseudonym).
 */
export function simulateFleetUploads(
  drives: readonly Scenario[],
  scorer: BadasScorer,
  layout: FleetLayout = DEFAULT_FLEET_LAYOUT,
): StreamRecord[] {
  const random = createSeededRandom(layout.seed);
  const records: StreamRecord[] = [];
  drives.forEach((drive, i) => {
    const camera = i % layout.cameras;
    const round = Math.floor(i / layout.cameras);
    const [lat, lng] = layout.places[round % layout.places.length]!;
    const dayMs = layout.startDayMs + round * 86_400_000;
    // A drive somewhere in the 2 km around its place, starting between 06:00 and 20:00.
    const driveLat = lat + (random.next() - 0.5) * 0.02;
    const driveLng = lng + (random.next() - 0.5) * 0.03;
    const startMs = dayMs + (6 + 14 * random.next()) * 3_600_000;
    const monitor = new BadasMonitor(scorer);
    const collector = new TrainingSampleCollector(random, layout.collector ?? DEFAULT_TRAINING_COLLECTOR);
    const windows = [];
    for (const f of drive.frames) {
      const step = monitor.push(f);
      windows.push(
        ...collector.push(f, {
          score: step.score,
          alertRaised: step.detections.some((d) => d.type === 'badas_alert'),
        }),
      );
    }
    windows.push(...collector.flush());
    const ctx = { zones: layout.zones, sharing: true, random, modelVersion: scorer.modelVersion };
    const events = windows.flatMap((w) => {
      const e = toTrainingSampleEvent(w, { lat: driveLat, lng: driveLng, tMs: startMs + w.tS * 1000 }, ctx);
      return e ? [e] : [];
    });
    if (events.length === 0) return;
    const day = isoOf(dayMs, 'day');
    const record: StreamRecord = {
      v: 1,
      pseudonym: `sim-${layout.seed}-${camera}-${day}`.padEnd(16, '0').slice(0, 64),
      batchKey: `sim-batch-${i}`.padEnd(8, '0'),
      events,
    };
    records.push(record);
    if (random.next() < layout.retryShare) records.push(record);
  });
  return records;
}
