import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contract/events.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { BucketIndex } from './bucketIndex.ts';
import { aggregateSignals } from './bucketing.ts';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig, detectHazards } from './detector.ts';
import type { HazardRecord } from './hazardRecord.ts';
import { countRule } from './hazardRule.ts';

// Found by the crash harness (test/faults): after a kill, a camera's retried batch can reach the
// aggregator after later evidence did. Its earlier events make the rule qualify in an earlier
// window than the one that raised the hazard, and the hazard (first seen later) was not "active"
// then: the same incident was raised a second time.
const NOW = Date.parse('2026-05-04T08:30:00Z');
const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, rule: countRule(10) };
const SITE = { lat: 40.4443, lng: -79.9436 };

function record(i: number): StreamRecord {
  const e = {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'hard_brake',
    ts: new Date(NOW - 15 * 60_000 + i * 40_000).toISOString(),
    lat: SITE.lat,
    lng: SITE.lng,
    heading: 90,
    speedMps: 15,
    decelMps2: 5,
  } as TelemetryEvent;
  return { v: 1, pseudonym: `cam-${String(i).padStart(20, '0')}`, batchKey: `b${i}-xxxxxxx`, events: [e] };
}

describe('late evidence of an incident already raised', () => {
  it('updates the hazard instead of raising a second one', () => {
    const later = Array.from({ length: 10 }, (_, i) => record(i + 5));
    const index = new BucketIndex();
    const firstDeltas = [...aggregateSignals(later).values()];
    index.add(firstDeltas);
    const first = detectHazards({
      deltas: firstDeltas,
      index,
      active: [],
      config,
      baseline: () => 0.01,
      nowMs: NOW,
    });
    expect(first.map((c) => c.op)).toEqual(['create']);
    const active: HazardRecord[] = first.map((c) => c.hazard);

    // The retried batches of five earlier cameras arrive now.
    const early = Array.from({ length: 5 }, (_, i) => record(i));
    const lateDeltas = [...aggregateSignals(early).values()];
    index.add(lateDeltas);
    const second = detectHazards({
      deltas: lateDeltas,
      index,
      active,
      config,
      baseline: () => 0.01,
      nowMs: NOW,
    });
    expect(second.map((c) => c.op)).toEqual(['update']);
    expect(second[0]!.hazard.id).toBe(active[0]!.id);
    expect(second[0]!.hazard.cameras).toBe(15);
  });
});
