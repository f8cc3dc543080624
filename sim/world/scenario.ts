import { haversineM } from '../../lib/geo/distance.ts';
import { createPrng, type Prng } from '../../lib/random/prng.ts';
import { type Incident, type IncidentKind, pickIncidentEdges } from './incidents.ts';
import { type RoadGraph, shortestPath } from './roadGraph.ts';

const MIN = 60_000;

/** One incident to inject, before it is placed on the map. */
export interface IncidentPlan {
  kind: IncidentKind;
  /** Start relative to the scenario start, ms. */
  startOffsetMs: number;
  durationMs: number;
  /** 'busy': a major road with heavy commuter traffic; 'quiet': a side street with a trickle. */
  road: 'busy' | 'quiet';
}

/** A junction where drivers brake hard more often than elsewhere: baseline noise for detectors. */
export interface BusyJunction {
  node: number;
  lat: number;
  lng: number;
  /** Share of passing drivers who brake hard there. */
  brakeShare: number;
}

/** Everything that defines a simulation run; with the seed it fully determines the events. */
export interface Scenario {
  seed: number;
  /** Simulated start, epoch ms. */
  startMs: number;
  cameras: number;
  /** Ground truth, sorted by start. */
  incidents: Incident[];
  busyJunctions: BusyJunction[];
  /** Background hard brakes per 100 km driven, anywhere. */
  backgroundBrakesPer100Km: number;
  /** Cameras routed past each busy-road incident per minute while it is active. */
  busyTrafficPerMin: number;
  /** Cameras routed past each quiet-road incident per minute (≈ 4–6 per 20 minutes). */
  quietTrafficPerMin: number;
  /** Parking time between trips, seconds. */
  parkS: readonly [number, number];
}

/** Options of {@link defaultScenario}; every field has a default. */
export interface ScenarioOptions {
  /** Simulated start, epoch ms (default 0 — pass the clock's start). */
  startMs?: number;
  /** Fleet size (default 100). */
  cameras?: number;
  /** Incidents to inject (default {@link defaultIncidentPlans} over `horizonMs`). */
  incidents?: IncidentPlan[];
  /** Horizon of the default incident schedule, ms (default 3 h). */
  horizonMs?: number;
  /** Number of busy junctions (default 3) and their hard-brake share (default 0.1). */
  busyJunctions?: number;
  busyJunctionBrakeShare?: number;
  /**
   * Quiet roads: this many extra incidents on side streets that only 4–6 cameras pass per
   * 20 minutes (default 0), so a bench can check what the detector does with thin evidence.
   */
  quietRoads?: number;
  /** Background hard brakes per 100 km (default 3: naturalistic-driving studies report a few). */
  backgroundBrakesPer100Km?: number;
  /** Cameras routed past each busy-road incident per minute (default 2). */
  busyTrafficPerMin?: number;
  parkS?: readonly [number, number];
}

/**
 * The default incident schedule: a stalled car at the start (so a hazard appears within the first
 * minutes), debris and a pothole shortly after, then a new incident every ~15 minutes.
 */
export function defaultIncidentPlans(seed: number, horizonMs: number): IncidentPlan[] {
  const prng = createPrng(seed).fork('incident-plans');
  const duration = (kind: IncidentKind): number =>
    kind === 'pothole'
      ? prng.uniform(45, 90) * MIN
      : kind === 'stalled_car'
        ? prng.uniform(25, 45) * MIN
        : prng.uniform(20, 35) * MIN;
  const plans: IncidentPlan[] = [
    { kind: 'stalled_car', startOffsetMs: 0, durationMs: duration('stalled_car'), road: 'busy' },
    { kind: 'debris', startOffsetMs: 3 * MIN, durationMs: duration('debris'), road: 'busy' },
    { kind: 'pothole', startOffsetMs: 6 * MIN, durationMs: duration('pothole'), road: 'busy' },
  ];
  for (let t = 20 * MIN + prng.uniform(0, 5) * MIN; t < horizonMs; t += prng.uniform(10, 20) * MIN) {
    const kind = prng.pick<IncidentKind>(['stalled_car', 'stalled_car', 'debris', 'pothole']);
    plans.push({ kind, startOffsetMs: Math.round(t), durationMs: duration(kind), road: 'busy' });
  }
  return plans.map((p) => ({ ...p, durationMs: Math.round(p.durationMs) }));
}

/**
 * Builds a scenario on a road graph: places the incidents (busy ones on motorway/trunk/primary
 * roads at least 1.5 km apart), picks busy junctions away from them, and fixes the traffic rates.
 *
 * @example
 * const scenario = defaultScenario(7, graph, { startMs: Date.parse('2025-01-01T08:00:00Z') });
 * scenario.incidents; // ground truth for precision/recall
 */
export function defaultScenario(seed: number, graph: RoadGraph, options: ScenarioOptions = {}): Scenario {
  const prng = createPrng(seed);
  const startMs = options.startMs ?? 0;
  const plans = [
    ...(options.incidents ?? defaultIncidentPlans(seed, options.horizonMs ?? 180 * MIN)),
    ...Array.from(
      { length: options.quietRoads ?? 0 },
      (_, i): IncidentPlan => ({
        kind: i % 2 === 0 ? 'stalled_car' : 'debris',
        startOffsetMs: (i * 7 + 2) * MIN,
        durationMs: 40 * MIN,
        road: 'quiet',
      }),
    ),
  ];
  const placePrng = prng.fork('incident-places');
  const busySpots = pickIncidentEdges(graph, placePrng, {
    count: plans.filter((p) => p.road === 'busy').length,
    road: 'busy',
    minSeparationM: 1500,
  });
  const quietSpots = pickIncidentEdges(graph, placePrng, {
    count: plans.filter((p) => p.road === 'quiet').length,
    road: 'quiet',
    minSeparationM: 1000,
    avoid: busySpots,
  });
  const busyTrafficPerMin = options.busyTrafficPerMin ?? 2;
  const quietTrafficPerMin = 6 / 20;
  const idPrng = prng.fork('incident-ids');
  const incidents: Incident[] = [];
  for (const plan of plans) {
    // The map has room for ~30 well-separated busy spots; later plans reuse them cyclically.
    const pool = plan.road === 'busy' ? busySpots : quietSpots;
    const n = incidents.filter((i) => i.road === plan.road).length;
    const spot = pool[n % Math.max(1, pool.length)];
    if (!spot) continue;
    incidents.push({
      id: idPrng.uuid(),
      kind: plan.kind,
      lat: Math.round(spot.lat * 1e6) / 1e6,
      lng: Math.round(spot.lng * 1e6) / 1e6,
      edge: spot.edge.index,
      fromOsmId: (graph.nodes[spot.edge.from] as { osmId: string }).osmId,
      toOsmId: (graph.nodes[spot.edge.to] as { osmId: string }).osmId,
      offsetM: Math.round(spot.offsetM * 10) / 10,
      headingDeg: Math.round(spot.headingDeg * 10) / 10,
      startMs: startMs + plan.startOffsetMs,
      endMs: startMs + plan.startOffsetMs + plan.durationMs,
      road: plan.road,
      trafficPerMin: plan.road === 'busy' ? busyTrafficPerMin : quietTrafficPerMin,
    });
  }
  incidents.sort((a, b) => a.startMs - b.startMs);
  const busyJunctions = pickBusyJunctions(graph, prng.fork('junctions'), {
    count: options.busyJunctions ?? 3,
    brakeShare: options.busyJunctionBrakeShare ?? 0.1,
    avoid: incidents,
  });
  return {
    seed,
    startMs,
    cameras: options.cameras ?? 100,
    incidents,
    busyJunctions,
    backgroundBrakesPer100Km: options.backgroundBrakesPer100Km ?? 3,
    busyTrafficPerMin,
    quietTrafficPerMin,
    parkS: options.parkS ?? [20, 180],
  };
}

/**
 * Busy junctions: the intersections that most sampled major-road trips cross (so they really
 * are busy in the simulation), at least 600 m from any incident so the ground truth stays
 * unambiguous and 1 km from each other.
 */
export function pickBusyJunctions(
  graph: RoadGraph,
  prng: Prng,
  options: { count: number; brakeShare: number; avoid: readonly { lat: number; lng: number }[] },
): BusyJunction[] {
  if (options.count <= 0) return [];
  const major = graph.nodes.filter((n) => n.out.some((ei) => (graph.edges[ei]?.rank ?? 0) >= 4));
  const uses = new Map<number, number>();
  for (let i = 0; i < 120 && major.length > 1; i++) {
    const path = shortestPath(graph, prng.pick(major).index, prng.pick(major).index) ?? [];
    for (const ei of path.slice(0, -1)) {
      const to = graph.edges[ei]?.to as number;
      uses.set(to, (uses.get(to) ?? 0) + 1);
    }
  }
  const ranked = [...uses]
    .filter(([node]) => {
      const n = graph.nodes[node];
      return n !== undefined && n.in.length + n.out.length >= 5;
    })
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const picks: BusyJunction[] = [];
  for (const [node] of ranked) {
    if (picks.length >= options.count) break;
    const n = graph.nodes[node] as { lat: number; lng: number };
    if (options.avoid.some((p) => haversineM(p.lat, p.lng, n.lat, n.lng) < 600)) continue;
    if (picks.some((j) => haversineM(j.lat, j.lng, n.lat, n.lng) < 1000)) continue;
    picks.push({ node, lat: n.lat, lng: n.lng, brakeShare: options.brakeShare });
  }
  return picks;
}
