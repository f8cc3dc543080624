import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { telemetryEnvelopeSchema } from '../../lib/contract/telemetry.ts';
import { createSeededRandom } from '../core/random.ts';
import { Batcher, DEFAULT_BATCHER } from './batcher.ts';

const event = (i: number): TelemetryEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'road_anomaly',
  ts: '2024-01-01T00:00:00.000Z',
  lat: 1,
  lng: 2,
  kind: 'pothole',
  severity: 0.5,
});

describe('Batcher', () => {
  it('is due once its first content is maxAgeMs old', () => {
    const b = new Batcher(createSeededRandom('b'), { maxEvents: 10, maxBytes: 100_000, maxAgeMs: 60_000 });
    b.add(event(1), 1000);
    expect(b.due(60_999)).toBe(false);
    expect(b.due(61_000)).toBe(true);
  });

  it('reports overflow at maxEvents so the caller closes first', () => {
    const b = new Batcher(createSeededRandom('b'), { maxEvents: 2, maxBytes: 100_000, maxAgeMs: 60_000 });
    b.add(event(1), 0);
    b.add(event(2), 0);
    expect(b.wouldOverflow(event(3))).toBe(true);
  });

  it('closes into a contract envelope with a UUID v4 batchId and a second-precision sentAt', () => {
    const b = new Batcher(createSeededRandom('b'));
    b.add(event(1), 0);
    const body = JSON.parse(b.close(1_700_000_000_123) as string);
    expect(body.schema).toBe(1);
    expect(body.batchId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.sentAt).toBe('2023-11-14T22:13:20.000Z');
  });

  it('names the artefacts the camera runs, so a rollout can compare cohorts, and nothing when none', () => {
    let running: { kind: 'model'; name: string; version: string }[] = [];
    const b = new Batcher(createSeededRandom('b'), DEFAULT_BATCHER, () => running);
    b.add(event(1), 0);
    expect(JSON.parse(b.close(1000) as string)).not.toHaveProperty('artefacts');
    running = [{ kind: 'model', name: 'badas-anticipation', version: '1.2.0' }];
    b.add(event(2), 2000);
    const body = JSON.parse(b.close(3000) as string);
    expect(body.artefacts).toEqual(running);
    expect(telemetryEnvelopeSchema.safeParse(body).success).toBe(true);
  });
});
