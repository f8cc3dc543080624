import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { createPrng } from '../../lib/random/prng.ts';
import type { Incident, IncidentKind } from './incidents.ts';
import { pointOnEdge } from './incidents.ts';
import {
  buildRoadGraph,
  type RoadCollection,
  type RoadEdge,
  shortestPath,
  travelTimes,
} from './roadGraph.ts';
import { type DrivingWorld, Vehicle } from './vehicle.ts';

const graph = buildRoadGraph(
  JSON.parse(
    gunzipSync(
      readFileSync(new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url)),
    ).toString('utf8'),
  ) as RoadCollection,
);
// A long two-way primary road: the incident sits on one direction, the twin is the other.
const edge = graph.edges.find(
  (e) => e.twin >= 0 && e.roadClass === 'primary' && e.lengthM >= 300,
) as RoadEdge;
const twin = graph.edges[edge.twin] as RoadEdge;

function incidentOn(kind: IncidentKind): Incident {
  const offsetM = edge.lengthM * 0.6;
  const p = pointOnEdge(edge, offsetM);
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind,
    lat: p.lat,
    lng: p.lng,
    edge: edge.index,
    fromOsmId: 'a',
    toOsmId: 'b',
    offsetM,
    headingDeg: p.headingDeg,
    startMs: 0,
    endMs: 3_600_000,
    road: 'busy',
    trafficPerMin: 2,
  };
}

/** A route that arrives at `via` from about a minute upstream and drives on past it. */
function routeThrough(via: RoadEdge): { start: number; edges: number[] } {
  const up = travelTimes(graph, via.from, { reverse: true, maxCostS: 120 });
  for (let n = 0; n < up.length; n++) {
    if (!((up[n] as number) > 45 && (up[n] as number) < 90)) continue;
    const head = shortestPath(graph, n, via.from) ?? [];
    // The approach must not drive the other direction of the same road.
    if (head.includes(via.twin)) continue;
    // Drive on without a U-turn back over the other direction.
    const onward = graph.nodes[via.to]?.out.find((ei) => graph.edges[ei]?.to !== via.from);
    return { start: n, edges: [...head, via.index, ...(onward === undefined ? [] : [onward])] };
  }
  throw new Error('no approach found');
}

/** Drives `count` different drivers along a route; returns each one's events. */
function drive(
  route: { start: number; edges: number[] },
  incident: Incident,
  count: number,
): TelemetryEvent[][] {
  const world: DrivingWorld = {
    graph,
    incidentsByEdge: new Map([[incident.edge, [incident]]]),
    busyJunctions: new Map(),
    backgroundBrakesPer100Km: 0,
  };
  const runs: TelemetryEvent[][] = [];
  for (let i = 0; i < count; i++) {
    const prng = createPrng(1000 + i);
    const driver = {
      speedFactor: prng.uniform(0.92, 1.12),
      accelMps2: prng.uniform(1.5, 2.5),
      comfortDecelMps2: prng.uniform(1.2, 2),
    };
    const v = new Vehicle(`cam-${i}`, driver, prng, graph, route.start, 0, 0);
    const out: TelemetryEvent[] = [];
    v.startTrip({ edges: route.edges }, world, 60_000);
    for (let t = 60_500; t < 1_800_000 && !v.step(world, t, 0.5, out); t += 500);
    runs.push(out);
  }
  return runs;
}

const nearIncident = (incident: Incident) => (e: TelemetryEvent) =>
  haversineM(e.lat, e.lng, incident.lat, incident.lng) <= 100;

describe('incidents', () => {
  it('makes at least 80% of drivers passing a stalled car brake hard within 100 m before it', () => {
    const incident = incidentOn('stalled_car');
    const runs = drive(routeThrough(edge), incident, 60);
    const braked = runs.filter((evs) =>
      evs.some((e) => e.type === 'hard_brake' && nearIncident(incident)(e)),
    );
    expect(braked.length / runs.length).toBeGreaterThanOrEqual(0.8);
    for (const evs of runs) {
      for (const e of evs.filter((x) => x.type === 'hard_brake')) {
        if (e.type === 'hard_brake') expect(e.decelMps2).toBeGreaterThanOrEqual(3.2);
      }
    }
  });

  it('leaves drivers in the opposite direction alone', () => {
    const incident = incidentOn('debris');
    const runs = drive(routeThrough(twin), incident, 40);
    expect(runs.flat().filter((e) => e.type === 'hard_brake' || e.type === 'road_anomaly')).toEqual([]);
  });

  it('makes drivers report a pothole as a road_anomaly with a severity', () => {
    const incident = incidentOn('pothole');
    const runs = drive(routeThrough(edge), incident, 40);
    const reports = runs.flat().filter((e) => e.type === 'road_anomaly' && nearIncident(incident)(e));
    expect(reports.length).toBeGreaterThanOrEqual(24);
    for (const r of reports) if (r.type === 'road_anomaly') expect(r.kind).toBe('pothole');
  });

  it('does nothing before the incident starts', () => {
    const incident = { ...incidentOn('stalled_car'), startMs: 10_000_000, endMs: 20_000_000 };
    const runs = drive(routeThrough(edge), incident, 20);
    expect(runs.flat().filter((e) => e.type === 'hard_brake')).toEqual([]);
  });
});
