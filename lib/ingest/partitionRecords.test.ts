import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contract/events.ts';
import { MAX_RECORD_EVENT_BYTES, partitionRecords } from './partitionRecords.ts';

const brake = (i: number, lat = 40.44, lng = -79.99): TelemetryEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'hard_brake',
  ts: '2026-05-04T08:00:00Z',
  lat,
  lng,
  decelMps2: 4,
});

describe('partitionRecords', () => {
  it('puts a camera batch within one area into one stream record', () => {
    const out = partitionRecords([brake(1), brake(2), brake(3)], 'pseudonym-aaaaaaaaaaaaaaaa', 'batch-key-1');
    expect(out).toHaveLength(1);
    expect(out[0]!.record.events).toHaveLength(3);
  });

  it('splits events of different areas into records keyed by area', () => {
    const out = partitionRecords(
      [brake(1), brake(2, 41.5, -81.7)],
      'pseudonym-aaaaaaaaaaaaaaaa',
      'batch-key-1',
    );
    expect(new Set(out.map((r) => r.partitionKey)).size).toBe(2);
  });

  it('keeps every record under the Kinesis 1 MiB limit, losing no event', () => {
    const many = Array.from({ length: 12_000 }, (_, i) => brake(i));
    const out = partitionRecords(many, 'pseudonym-aaaaaaaaaaaaaaaa', 'batch-key-1');
    expect(out.length).toBeGreaterThan(1);
    for (const r of out) expect(JSON.stringify(r.record).length).toBeLessThan(1024 * 1024);
    expect(out.flatMap((r) => r.record.events.map((e) => e.id))).toEqual(many.map((e) => e.id));
    expect(MAX_RECORD_EVENT_BYTES).toBeLessThan(1024 * 1024);
  });
});
