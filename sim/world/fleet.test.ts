import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { areNeighborCells, getResolution } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventSchema, type TelemetryEvent } from '../../lib/contract/events.ts';
import { telemetryEnvelopeSchema } from '../../lib/contract/telemetry.ts';
import { haversineM, headingDiffDeg } from '../../lib/geo/distance.ts';
import { createFleet, type FleetBatch } from './fleet.ts';
import { buildRoadGraph, type RoadCollection } from './roadGraph.ts';
import { defaultScenario, type Scenario } from './scenario.ts';

const MIN = 60_000;
const START_MS = Date.UTC(2025, 2, 3, 7, 40);
const SIM_MIN = 60;

const graph = buildRoadGraph(
  JSON.parse(
    gunzipSync(
      readFileSync(new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url)),
    ).toString('utf8'),
  ) as RoadCollection,
);

let scenario: Scenario;
const batches: FleetBatch[] = [];
const lateEvents: string[] = [];

beforeAll(() => {
  scenario = defaultScenario(1, graph, { startMs: START_MS });
  const fleet = createFleet(graph, scenario);
  // An irregular clock, like timer ticks: no event may be stamped after the clock it was given.
  for (let t = START_MS; t < START_MS + SIM_MIN * MIN; ) {
    t += 700 + ((t / 7) % 9000);
    for (const b of fleet.advanceTo(t)) {
      batches.push(b);
      if (Date.parse(b.body.sentAt) > t) lateEvents.push(b.body.sentAt);
      for (const e of b.body.events) if (Date.parse(e.ts) > t) lateEvents.push(e.ts);
    }
  }
});

const allEvents = (): { camera: number; event: TelemetryEvent }[] =>
  batches.flatMap((b) => b.body.events.map((event) => ({ camera: b.camera, event })));

describe('fleet (default scenario, 100 cameras, 60 sim-minutes)', () => {
  it('sends only batches and events that validate against contract v1', () => {
    expect(batches.length).toBeGreaterThan(5000);
    for (const b of batches) {
      expect(telemetryEnvelopeSchema.safeParse(b.body).success).toBe(true);
      for (const e of b.body.events) {
        const r = eventSchema.safeParse(e);
        if (!r.success) throw new Error(`${JSON.stringify(e)}: ${r.error.message}`);
      }
    }
    expect(new Set(batches.map((b) => b.body.batchId)).size).toBe(batches.length);
  });

  it('never stamps an event after the injected clock', () => {
    expect(lateEvents).toEqual([]);
  });

  it('reports trips as contiguous res-10 cells, one entry per cell entered, incrementally', () => {
    const trips = new Map<string, { seq: number; cells: string[]; final: boolean }>();
    for (const { event } of allEvents()) {
      if (event.type !== 'trip') continue;
      const t = trips.get(event.tripId) ?? { seq: -1, cells: [], final: false };
      expect(t.final).toBe(false);
      expect(event.seq).toBe(t.seq + 1);
      t.seq = event.seq;
      t.final = event.final;
      t.cells.push(...event.path.map((p) => p.cell));
      trips.set(event.tripId, t);
    }
    expect(trips.size).toBeGreaterThan(200);
    for (const { cells } of trips.values()) {
      for (let i = 0; i < cells.length; i++) {
        expect(getResolution(cells[i] as string)).toBe(10);
        if (i > 0) expect(areNeighborCells(cells[i - 1] as string, cells[i] as string)).toBe(true);
      }
    }
  });

  it('keeps speeds within the road limits (drivers ≤ 12% over)', () => {
    for (const { event } of allEvents()) {
      if (event.type === 'trip')
        for (const p of event.path) expect(p.speedMps).toBeLessThanOrEqual(graph.maxSpeedMps * 1.12 + 0.01);
    }
  });

  it('has ≥ 10 distinct cameras braking near each incident, on its direction, within 20 minutes of its start', () => {
    const due = scenario.incidents.filter((i) => i.startMs + 20 * MIN <= START_MS + SIM_MIN * MIN);
    expect(due.length).toBeGreaterThanOrEqual(4);
    for (const inc of due) {
      const reporters = new Set<number>();
      for (const { camera, event } of allEvents()) {
        // Potholes are reported mainly as road anomalies; the others as hard brakes.
        const relevant =
          event.type === 'hard_brake' || (inc.kind === 'pothole' && event.type === 'road_anomaly');
        const t = Date.parse(event.ts);
        if (!relevant || t < inc.startMs || t >= inc.startMs + 20 * MIN) continue;
        if (haversineM(event.lat, event.lng, inc.lat, inc.lng) > 100) continue;
        if (headingDiffDeg(event.heading ?? 0, inc.headingDeg) > 45) continue;
        reporters.add(camera);
      }
      expect(reporters.size, `${inc.kind} at +${(inc.startMs - START_MS) / MIN} min`).toBeGreaterThanOrEqual(
        10,
      );
    }
  });

  it('keeps background hard brakes rare: a few per 100 km', () => {
    const km = allEvents().reduce(
      (s, { event }) => s + (event.type === 'trip' ? event.distanceM / 1000 : 0),
      0,
    );
    const farFromIncidents = allEvents().filter(
      ({ event }) =>
        event.type === 'hard_brake' &&
        scenario.incidents.every((i) => haversineM(event.lat, event.lng, i.lat, i.lng) > 200),
    );
    const per100Km = (farFromIncidents.length / km) * 100;
    expect(per100Km).toBeGreaterThan(1);
    expect(per100Km).toBeLessThan(8);
  });

  it('is deterministic for a seed', () => {
    const again = createFleet(graph, defaultScenario(1, graph, { startMs: START_MS })).advanceTo(
      START_MS + 2 * MIN,
    );
    const first = batches.filter((b) => Date.parse(b.body.sentAt) <= START_MS + 2 * MIN);
    expect(again.map((b) => b.body.batchId)).toEqual(first.map((b) => b.body.batchId));
  });
});
