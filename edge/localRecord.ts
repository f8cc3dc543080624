import type { TelemetryEvent } from '../lib/contract/events.ts';
import { isoOf } from '../lib/time/isoTime.ts';
import { type Random, randomUuid } from './core/random.ts';
import type { LocalRecorder } from './pipeline.ts';
import type { LocatedEvent } from './privacy/redactor.ts';

/**
 * An event of the device-local record in the contract's event shape (API.md §2), unredacted:
 * the exact position and the millisecond it was detected. It is the user's own data, the
 * trip diary the camera keeps for its owner; the uplink never sees it, and its ids are drawn
 * from a separate random stream so that nothing in it can be matched with what was uploaded.
 */
export function toRecordEvent(e: LocatedEvent, id: string): TelemetryEvent {
  const common = {
    id,
    ts: isoOf(e.tMs),
    lat: e.lat,
    lng: e.lng,
    heading: ((e.headingDeg % 360) + 360) % 360,
    speedMps: Math.min(Math.max(e.speedMps, 0), 100),
  };
  switch (e.type) {
    case 'hard_brake':
      return { ...common, type: 'hard_brake', decelMps2: Math.min(Math.max(e.decelMps2, 0.01), 30) };
    case 'hard_corner':
      return {
        ...common,
        type: 'hard_corner',
        lateralAccelMps2: Math.min(Math.max(e.lateralAccelMps2, -30), 30),
      };
    case 'road_anomaly':
      return {
        ...common,
        type: 'road_anomaly',
        kind: e.kind,
        severity: Math.min(Math.max(e.severity, 0), 1),
      };
    case 'near_miss':
      return {
        ...common,
        type: 'near_miss',
        ttcS: Math.min(Math.max(e.ttcS, 0), 60),
        badasScore: Math.min(Math.max(e.badasScore, 0), 1),
      };
    case 'badas_alert':
      return {
        ...common,
        type: 'badas_alert',
        score: Math.min(Math.max(e.score, 0), 1),
        modelVersion: e.modelVersion.slice(0, 64),
      };
  }
}

/**
 * The device-local record as JSON lines (`dashnet edge replay … --record FILE`). Every located
 * detection goes in, whatever consent and redaction decide for the uplink; detections that no
 * GPS fix could place are counted by the pipeline (`stats.unlocated`) but have no position to
 * record.
 *
 * @example
 * const record = new LocalRecord(createSeededRandom('record'));
 * const pipeline = new EdgePipeline(platform, config, record);
 * // … feed samples … then write record.lines.join('\n')
 */
export class LocalRecord implements LocalRecorder {
  readonly lines: string[] = [];

  /** @param random its own stream: sharing the pipeline's would change the uploaded ids */
  constructor(private readonly random: Random) {}

  record(e: LocatedEvent): void {
    this.lines.push(JSON.stringify(toRecordEvent(e, randomUuid(this.random))));
  }
}
