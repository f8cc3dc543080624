import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contract/events.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { BucketIndex } from './bucketIndex.ts';
import { aggregateExposure, aggregateSignals } from './bucketing.ts';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig, detectHazards } from './detector.ts';
import type { HazardRecord } from './hazardRecord.ts';
import { binomialRule, countRule } from './hazardRule.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, rule: countRule(10) };
const SITE = { lat: 40.4443, lng: -79.9436 };

function brake(i: number, over: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'hard_brake',
    ts: new Date(NOW - 10 * 60_000 + i * 20_000).toISOString(),
    lat: SITE.lat + (i % 3) * 0.0002,
    lng: SITE.lng + (i % 2) * 0.0002,
    heading: 90,
    speedMps: 15,
    decelMps2: 5,
    ...over,
  } as TelemetryEvent;
}

function records(events: TelemetryEvent[]): StreamRecord[] {
  return events.map((e, i) => ({
    v: 1,
    pseudonym: `cam-${String(i).padStart(20, '0')}`,
    batchKey: `b${i}-xxxxxxx`,
    events: [e],
  }));
}

/** Runs the detector the way the aggregator does, with the store reduced to the batch itself. */
function detect(
  recs: StreamRecord[],
  active: HazardRecord[] = [],
  cfg: DetectorConfig = config,
  baseline = 0.01,
) {
  const deltas = [...aggregateSignals(recs).values()];
  const index = new BucketIndex().add(deltas).add(aggregateExposure(recs).values());
  return detectHazards({ deltas, index, active, config: cfg, baseline: () => baseline, nowMs: NOW });
}

/** A trip segment that passed the site in minute `i` (exposure). */
function pass(i: number, heading = 90): TelemetryEvent {
  return {
    id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'trip',
    ts: new Date(NOW - 10 * 60_000 + i * 20_000).toISOString(),
    lat: SITE.lat,
    lng: SITE.lng,
    tripId: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    seq: 0,
    final: false,
    distanceM: 100,
    path: [
      {
        cell: latLngToCell(SITE.lat, SITE.lng, 10),
        ts: new Date(NOW - 10 * 60_000 + i * 20_000).toISOString(),
        speedMps: 15,
        heading,
      },
    ],
  };
}

const statistical: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, rule: binomialRule() };

describe('detectHazards', () => {
  it('raises a hazard when ten cameras brake within 20 minutes in the same 100 m', () => {
    const changes = detect(records(Array.from({ length: 10 }, (_, i) => brake(i))));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      op: 'create',
      hazard: { kind: 'slowdown_or_obstruction', cameras: 10, sector: 2 },
    });
  });

  it('raises nothing for nine cameras', () => {
    expect(detect(records(Array.from({ length: 9 }, (_, i) => brake(i))))).toEqual([]);
  });

  it('counts one camera braking ten times as one', () => {
    const [rec] = records([brake(0)]);
    const one: StreamRecord = { ...rec!, events: Array.from({ length: 10 }, (_, i) => brake(i)) };
    expect(detect([one])).toEqual([]);
  });

  it('counts brakes split across two adjacent cells together', () => {
    const a = latLngToCell(SITE.lat, SITE.lng, 10);
    const neighbour = gridDisk(a, 1).find((c) => c !== a)!;
    const events = Array.from({ length: 10 }, (_, i) => brake(i, { lat: SITE.lat, lng: SITE.lng }));
    // Half the brakes move into the neighbouring cell.
    const [nLat, nLng] = (() => {
      for (let d = 1; d < 400; d++) {
        const lat = SITE.lat + d * 0.00002;
        if (latLngToCell(lat, SITE.lng, 10) === neighbour) return [lat, SITE.lng];
        const lng = SITE.lng + d * 0.00002;
        if (latLngToCell(SITE.lat, lng, 10) === neighbour) return [SITE.lat, lng];
        const lng2 = SITE.lng - d * 0.00002;
        if (latLngToCell(SITE.lat, lng2, 10) === neighbour) return [SITE.lat, lng2];
        const lat2 = SITE.lat - d * 0.00002;
        if (latLngToCell(lat2, SITE.lng, 10) === neighbour) return [lat2, SITE.lng];
      }
      return [SITE.lat, SITE.lng];
    })();
    for (let i = 5; i < 10; i++) events[i] = brake(i, { lat: nLat!, lng: nLng! });
    const cells = new Set(events.map((e) => latLngToCell(e.lat, e.lng, 10)));
    expect(cells.size).toBe(2);
    const changes = detect(records(events));
    expect(changes.filter((c) => c.op === 'create')).toHaveLength(1);
  });

  it('keeps directions apart: five each way raise nothing', () => {
    const events = Array.from({ length: 10 }, (_, i) => brake(i, { heading: i < 5 ? 90 : 270 }));
    expect(detect(records(events))).toEqual([]);
  });

  it('updates the active hazard nearby instead of creating a second one', () => {
    const [first] = detect(records(Array.from({ length: 10 }, (_, i) => brake(i))));
    const active = [first!.hazard];
    const more = records(Array.from({ length: 12 }, (_, i) => brake(i)));
    const changes = detect(more, active);
    expect(changes).toEqual([
      { op: 'update', hazard: expect.objectContaining({ id: first!.hazard.id, cameras: 12 }) },
    ]);
  });

  it('gives the same hazard id whatever the order of the records', () => {
    const recs = records(Array.from({ length: 10 }, (_, i) => brake(i)));
    const a = detect(recs)[0]!.hazard.id;
    const b = detect([...recs].reverse())[0]!.hazard.id;
    expect(a).toBe(b);
  });

  it('does not raise a live hazard from windows older than the allowed lateness', () => {
    const old = Array.from({ length: 10 }, (_, i) =>
      brake(i, { ts: new Date(NOW - 3 * 3600_000 + i * 1000).toISOString() }),
    );
    expect(detect(records(old))).toEqual([]);
  });
});

describe('detectHazards with the statistical rule', () => {
  it('raises a hazard on a quiet road when 3 of 4 passing cameras brake', () => {
    const recs = records([brake(0), brake(1), brake(2), pass(3)]);
    for (const [i, r] of recs.slice(0, 3).entries()) r.events.push(pass(i));
    expect(detect(recs, [], statistical)).toHaveLength(1);
  });

  it('raises nothing at a busy junction where 6 of 60 passing cameras brake', () => {
    const recs = records(Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? brake(i) : pass(i))));
    expect(detect(recs, [], statistical)).toEqual([]);
  });

  it("raises nothing where a junction's learned rate explains 8 brakes among 25 passers", () => {
    const recs = records(Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? brake(i) : pass(i))));
    expect(detect(recs, [], statistical, 0.25)).toEqual([]);
  });

  it('never raises a hazard from two cameras, however clear', () => {
    expect(detect(records([brake(0), brake(1)]), [], statistical)).toEqual([]);
  });
});
