import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contract/events.ts';
import { HAZARD_KINDS } from '../contract/hazards.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { BucketIndex } from './bucketIndex.ts';
import { aggregateExposure, aggregateSignals } from './bucketing.ts';
import { hazardsToClear } from './clearing.ts';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig, detectHazards } from './detector.ts';
import { HAZARD_KIND_TABLE, hazardKindLegend, longestWindowMinutes } from './hazardKinds.ts';
import { binomialRule, nearMissRule } from './hazardRule.ts';
import { HAZARD_KIND_OF, signalOf } from './signals.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const SITE = { lat: 40.4443, lng: -79.9436 };
const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, rule: binomialRule() };

function id(prefix: number, i: number): string {
  return `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** A near miss `minutesAgo` before NOW near the site, heading east. */
function nearMiss(i: number, minutesAgo: number): TelemetryEvent {
  return {
    id: id(3, i),
    type: 'near_miss',
    ts: new Date(NOW - minutesAgo * 60_000).toISOString(),
    lat: SITE.lat + (i % 2) * 0.0001,
    lng: SITE.lng,
    heading: 90,
    speedMps: 14,
    ttcS: 0.9,
    badasScore: 0.8,
  };
}

/** A camera that passed the site `minutesAgo` before NOW (exposure). */
function pass(i: number, minutesAgo: number): TelemetryEvent {
  const ts = new Date(NOW - minutesAgo * 60_000).toISOString();
  return {
    id: id(1, i),
    type: 'trip',
    ts,
    lat: SITE.lat,
    lng: SITE.lng,
    tripId: id(2, i),
    seq: 0,
    final: false,
    distanceM: 100,
    path: [{ cell: latLngToCell(SITE.lat, SITE.lng, 10), ts, speedMps: 14, heading: 90 }],
  };
}

/** One record per camera: camera i sent `events[i]`. */
function records(events: TelemetryEvent[], firstCamera = 0): StreamRecord[] {
  return events.map((e, i) => ({
    v: 1,
    pseudonym: `cam-${String(firstCamera + i).padStart(20, '0')}`,
    batchKey: `b${firstCamera + i}-xxxxxxx`,
    events: [e],
  }));
}

function detect(recs: StreamRecord[]) {
  const deltas = [...aggregateSignals(recs).values()];
  const index = new BucketIndex().add(deltas).add(aggregateExposure(recs).values());
  // A brake baseline of 5 % would make three of five passers look normal; near misses ignore it.
  return detectHazards({ deltas, index, active: [], config, baseline: () => 0.05, nowMs: NOW });
}

describe('nearMissRule', () => {
  const rule = nearMissRule();

  it('raises for three cameras with near misses among few passers', () => {
    expect(rule.decide({ cameras: 3, passers: 40, baselineRate: 0.05 })).toEqual({
      raise: true,
      confidence: 0.5,
    });
  });

  it('never raises for two cameras, however few passed', () => {
    expect(rule.decide({ cameras: 2, passers: 2, baselineRate: 0 }).raise).toBe(false);
  });

  it('asks more of a busy place: among 500 passers five near misses are chance, six are not', () => {
    expect(rule.decide({ cameras: 3, passers: 500, baselineRate: 0 }).raise).toBe(false);
    expect(rule.decide({ cameras: 5, passers: 500, baselineRate: 0 }).raise).toBe(false);
    expect(rule.decide({ cameras: 6, passers: 500, baselineRate: 0 }).raise).toBe(true);
  });

  it('grows its confidence with every further camera', () => {
    const c = [3, 4, 6].map((n) => rule.decide({ cameras: n, passers: 50, baselineRate: 0 }).confidence);
    expect(c[0]).toBeLessThan(c[1]!);
    expect(c[1]).toBeLessThan(c[2]!);
  });
});

describe('near-miss hazards', () => {
  it('are a hazard kind of their own, declared once with their feeds, label and colour', () => {
    expect(HAZARD_KINDS).toContain('near_miss');
    expect(HAZARD_KIND_OF.near_miss).toBe('near_miss');
    const spec = HAZARD_KIND_TABLE.near_miss;
    expect(spec.colour).toMatch(/^#[0-9a-f]{6}$/);
    const colours = Object.values(HAZARD_KIND_TABLE).map((s) => s.colour);
    expect(new Set(colours).size).toBe(colours.length);
    expect(longestWindowMinutes(DEFAULT_DETECTOR_CONFIG.windowMinutes)).toBe(spec.windowMinutes);
    const legend = hazardKindLegend(DEFAULT_DETECTOR_CONFIG.windowMinutes);
    expect(new Set(legend.map((e) => e.kind))).toEqual(new Set(HAZARD_KINDS));
    expect(legend.find((e) => e.kind === 'near_miss')).toEqual({
      kind: 'near_miss',
      label: 'Near misses',
      colour: spec.colour,
      windowMinutes: spec.windowMinutes,
    });
    // A kind without a window of its own shows the detector's.
    expect(hazardKindLegend(25).find((e) => e.kind === 'slowdown_or_obstruction')?.windowMinutes).toBe(
      HAZARD_KIND_TABLE.slowdown_or_obstruction.windowMinutes ?? 25,
    );
  });

  it('take a near_miss event as evidence, and a badas_alert not', () => {
    expect(signalOf(nearMiss(0, 1))?.kind).toBe('near_miss');
    const alert: TelemetryEvent = {
      ...nearMiss(1, 1),
      type: 'badas_alert',
      score: 0.9,
      modelVersion: 'm',
    } as TelemetryEvent;
    expect(signalOf(alert)).toBeNull();
  });

  it('raises a near-miss hazard when three cameras have near misses at one place within the hour', () => {
    const recs = records([nearMiss(0, 50), nearMiss(1, 25), nearMiss(2, 2)]);
    const changes = detect(recs);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      op: 'create',
      hazard: { kind: 'near_miss', signal: 'near_miss', cameras: 3 },
    });
  });

  it('raises nothing for three near misses spread over more than the window', () => {
    expect(detect(records([nearMiss(0, 130), nearMiss(1, 65), nearMiss(2, 0)]))).toEqual([]);
  });

  it('raises nothing for one camera with three near misses', () => {
    const [rec] = records([nearMiss(0, 30)]);
    expect(detect([{ ...rec!, events: [nearMiss(0, 30), nearMiss(1, 20), nearMiss(2, 10)] }])).toEqual([]);
  });

  it('raises nothing when three near misses are among hundreds of passing cameras', () => {
    const passes = Array.from({ length: 400 }, (_, i) => pass(i, 1 + (i % 50)));
    const recs = [...records([nearMiss(0, 40), nearMiss(1, 20), nearMiss(2, 5)]), ...records(passes, 10)];
    expect(detect(recs)).toEqual([]);
  });

  it('clears once twenty cameras passed without a near miss', () => {
    const [change] = detect(records([nearMiss(0, 50), nearMiss(1, 25), nearMiss(2, 2)]));
    const hazard = change!.hazard;
    const later = (n: number) =>
      records(
        Array.from({ length: n }, (_, i) => pass(100 + i, -1 - i / 10)),
        100,
      );
    const clear = (n: number) =>
      hazardsToClear({
        active: [hazard],
        index: new BucketIndex().add(aggregateExposure(later(n)).values()),
        neighbourRings: 1,
        nowMs: NOW + 10 * 60_000,
      });
    expect(clear(19)).toEqual([]);
    expect(clear(20)).toHaveLength(1);
  });
});
