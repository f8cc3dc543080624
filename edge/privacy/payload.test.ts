import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../lib/contract/events.ts';
import { telemetryEnvelopeSchema } from '../../lib/contract/telemetry.ts';
import { runDrive } from '../testing/runDrive.ts';
import { syntheticDrive, townDriveScript } from '../testing/syntheticDrive.ts';

const ALLOWED_KEYS: Record<string, string[]> = {
  common: ['id', 'type', 'ts', 'lat', 'lng', 'heading', 'speedMps'],
  hard_brake: ['decelMps2'],
  hard_corner: ['lateralAccelMps2'],
  road_anomaly: ['kind', 'severity'],
  trip: ['tripId', 'seq', 'final', 'path', 'distanceM'],
};

describe('payloads', () => {
  const drive = syntheticDrive(townDriveScript({ seed: 'payload', imuHz: 100, gpsHz: 10, gyro: true }));
  const run = runDrive(drive.gps, drive.imu);
  const bodies = run.bodies.map((b) => JSON.parse(b) as { events: Record<string, unknown>[] });

  it('are valid contract v1 batches and events', () => {
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) {
      expect(telemetryEnvelopeSchema.safeParse(b).success).toBe(true);
      for (const e of b.events) expect(eventSchema.safeParse(e).error).toBeUndefined();
    }
  });

  it('carry only contract fields: no device id, token, raw samples or video', () => {
    for (const b of bodies) {
      expect(Object.keys(b).sort()).toEqual(['batchId', 'events', 'schema', 'sentAt']);
      for (const e of b.events) {
        const allowed = [...(ALLOWED_KEYS.common ?? []), ...(ALLOWED_KEYS[e.type as string] ?? [])];
        expect(Object.keys(e).filter((k) => !allowed.includes(k))).toEqual([]);
      }
    }
  });

  it('carry no timestamp finer than a second, and trip path times only to the minute', () => {
    for (const b of bodies) {
      for (const e of b.events) {
        expect(e.ts).toMatch(/:\d\d\.000Z$/);
        if (e.type === 'trip') {
          for (const p of e.path as { ts: string }[]) expect(p.ts).toMatch(/:00\.000Z$/);
        }
      }
    }
  });

  it('send a trip segment with every batch while a trip is under way, ending with one final', () => {
    const trips = bodies.flatMap((b) => b.events.filter((e) => e.type === 'trip'));
    expect(trips.map((t) => t.seq)).toEqual(trips.map((_, i) => i));
    expect(trips.filter((t) => t.final)).toHaveLength(1);
    expect(trips[trips.length - 1]?.final).toBe(true);
  });
});
