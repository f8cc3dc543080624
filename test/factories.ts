import { randomUUID } from 'node:crypto';
import type { TelemetryEvent } from '../lib/contract/events.ts';

/** A point `metresEast`/`metresNorth` from an origin, for placing events in the same 100 m. */
export function offset(lat: number, lng: number, metresNorth: number, metresEast: number) {
  return {
    lat: lat + metresNorth / 111_320,
    lng: lng + metresEast / (111_320 * Math.cos((lat * Math.PI) / 180)),
  };
}

/** A valid `hard_brake` event; override any field. */
export function hardBrake(overrides: Partial<Extract<TelemetryEvent, { type: 'hard_brake' }>> = {}) {
  return {
    id: randomUUID(),
    type: 'hard_brake' as const,
    ts: new Date().toISOString(),
    lat: 40.4406,
    lng: -79.9959,
    heading: 90,
    speedMps: 14,
    decelMps2: 5.2,
    ...overrides,
  };
}

/** A telemetry batch envelope around events. */
export function batch(events: unknown[], batchId: string = randomUUID()) {
  return { schema: 1, batchId, sentAt: new Date().toISOString(), events };
}
