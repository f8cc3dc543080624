import { randomUUID } from 'node:crypto';
import { latLngToCell } from 'h3-js';
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

/** A `trip` segment whose path enters the given points' res-10 cells at the given times. */
export function tripThrough(
  points: { lat: number; lng: number; ts: string; heading: number }[],
  speedMps = 12,
) {
  const last = points.at(-1)!;
  return {
    id: randomUUID(),
    type: 'trip' as const,
    ts: last.ts,
    lat: last.lat,
    lng: last.lng,
    tripId: randomUUID(),
    seq: 0,
    final: false,
    distanceM: 70 * points.length,
    path: points.map((p) => ({
      cell: latLngToCell(p.lat, p.lng, 10),
      ts: p.ts,
      speedMps,
      heading: p.heading,
    })),
  };
}
