import { haversineM } from '../../lib/geo/distance.ts';
import type { Prng } from '../../lib/random/prng.ts';
import type { Incident } from './incidents.ts';
import { type EdgeCost, type RoadEdge, type RoadGraph, shortestPath, travelTimes } from './roadGraph.ts';
import type { Scenario } from './scenario.ts';

const MIN = 60_000;
/** Routing goes via an incident only if the vehicle gets there within this time. */
const MAX_APPROACH_S = 12 * 60;
/** Traffic is routed towards an incident from this long before it starts (vehicles need to get there). */
const LEAD_MS = 8 * MIN;
/** Free-flow travel time underestimates real driving (junctions, stops): used to predict arrival. */
const SLOWDOWN = 1.3;
/** Ordinary trips, straight-line upper bound: typical urban trips are a few km. */
const RANDOM_TRIP_MAX_M = 7000;
/** Onward leg after an incident, straight-line upper bound. */
const ONWARD_MAX_M = 4000;
/** Incidents get their full traffic for this long after they start. */
const FULL_RATE_MS = 25 * MIN;
/**
 * A road keeps its traffic after an incident clears: routed traffic goes on (at the reduced
 * rate) this long after the end, and those clean passes are what let a detector clear it.
 */
const AFTER_END_MS = 15 * MIN;
/** Trips shorter than this (straight line) are not worth driving. */
const MIN_TRIP_M = 1500;

/**
 * Drivers prefer arterials over side streets even at equal time; the penalty concentrates routes
 * on major roads the way real traffic concentrates.
 */
const routeCost: EdgeCost = (e) => e.travelTimeS * (e.rank >= 4 ? 1 : e.rank === 3 ? 1.15 : 1.35);

/** Where a vehicle starts and whether its first trip is routed past an incident. */
export interface Placement {
  node: number;
  via?: Incident;
  departAtMs: number;
}

/**
 * Plans trips: origins/destinations biased toward major roads, and a controlled share routed past
 * incidents — like commuters on a motorway — so that each incident is passed by about
 * `trafficPerMin` cameras per minute while active. The control is a credit per incident that
 * accrues at its rate and is spent by each trip routed past it.
 */
export class TripPlanner {
  private readonly destNodes: number[] = [];
  private readonly destCum: number[] = [];
  private readonly credit = new Map<string, number>();
  private readonly approach = new Map<string, Float64Array>();
  /** Last time each vehicle was routed past each incident, so a camera is not counted twice. */
  private readonly visits = new Map<string, number>();

  constructor(
    private readonly graph: RoadGraph,
    private readonly scenario: Scenario,
    private readonly prng: Prng,
  ) {
    let total = 0;
    for (const n of graph.nodes) {
      let rank = 0;
      for (const ei of n.out) rank = Math.max(rank, graph.edges[ei]?.rank ?? 0);
      // Weight ∝ rank²: trips start and end mostly on or near major roads.
      total += (rank + 1) ** 2;
      this.destNodes.push(n.index);
      this.destCum.push(total);
    }
    for (const inc of scenario.incidents) this.credit.set(inc.id, 0);
  }

  private randomNode(): number {
    const x = this.prng.next() * (this.destCum[this.destCum.length - 1] as number);
    let lo = 0;
    let hi = this.destCum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.destCum[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return this.destNodes[lo] as number;
  }

  /** A weighted random node at least MIN_TRIP_M and (preferably) at most `maxM` away. */
  private randomDestination(fromNode: number, maxM = Number.POSITIVE_INFINITY): number {
    const from = this.graph.nodes[fromNode] as { lat: number; lng: number };
    let fallback = -1;
    for (let i = 0; i < 30; i++) {
      const cand = this.randomNode();
      const n = this.graph.nodes[cand] as { lat: number; lng: number };
      const d = haversineM(from.lat, from.lng, n.lat, n.lng);
      if (d < MIN_TRIP_M) continue;
      if (d <= maxM) return cand;
      if (fallback < 0) fallback = cand;
    }
    return fallback >= 0 ? fallback : this.randomNode();
  }

  /** Travel times (s) from every node to the start of the incident's edge. */
  private approachTimes(inc: Incident): Float64Array {
    let t = this.approach.get(inc.id);
    if (!t) {
      const edge = this.graph.edges[inc.edge] as RoadEdge;
      t = travelTimes(this.graph, edge.from, { reverse: true, maxCostS: MAX_APPROACH_S + 120 });
      this.approach.set(inc.id, t);
    }
    return t;
  }

  private inWindow(inc: Incident, tMs: number): boolean {
    return tMs >= inc.startMs - LEAD_MS && tMs < inc.endMs + AFTER_END_MS;
  }

  /**
   * Accrues routing credit for the incidents in their window: the full rate for the first
   * FULL_RATE_MS (what a detector needs to confirm it), a third of it afterwards (enough to keep
   * it confirmed) — so that long-lived incidents do not starve the ones that start later.
   */
  accrue(tMs: number, dtMs: number): void {
    for (const inc of this.scenario.incidents) {
      if (!this.inWindow(inc, tMs)) continue;
      const rate = tMs < inc.startMs + FULL_RATE_MS ? inc.trafficPerMin : inc.trafficPerMin / 3;
      this.credit.set(inc.id, (this.credit.get(inc.id) ?? 0) + (rate * dtMs) / MIN);
    }
  }

  /**
   * Initial positions at `startMs`: for incidents active (or starting within LEAD_MS) at the start,
   * about LEAD_MS worth of their traffic is placed upstream so it arrives spread over the first
   * minutes; everyone else starts at a random node.
   */
  place(count: number, startMs: number): Placement[] {
    const placements: Placement[] = [];
    for (const inc of this.scenario.incidents) {
      if (!this.inWindow(inc, startMs) || placements.length >= count) continue;
      const times = this.approachTimes(inc);
      const offsetS = Math.max(0, (inc.startMs - startMs) / 1000);
      const wanted = Math.round((inc.trafficPerMin * LEAD_MS) / MIN);
      for (let k = 0; k < wanted && placements.length < count; k++) {
        // Spread arrivals evenly over the lead time, after the incident starts.
        const targetS = (offsetS + ((k + 0.5) / wanted) * (LEAD_MS / 1000)) / SLOWDOWN;
        const node = this.nodeNearTime(times, targetS);
        if (node === undefined) continue;
        placements.push({ node, via: inc, departAtMs: startMs + this.prng.uniform(0, 10_000) });
      }
    }
    while (placements.length < count) {
      placements.push({ node: this.randomNode(), departAtMs: startMs + this.prng.uniform(0, 120_000) });
    }
    return placements;
  }

  private nodeNearTime(times: Float64Array, targetS: number): number | undefined {
    let best: number | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (let n = 0; n < times.length; n++) {
      const t = times[n] as number;
      if (!Number.isFinite(t)) continue;
      // Random tie-breaking among nodes at about the same time spreads vehicles over approaches.
      const d = Math.abs(t - targetS) + this.prng.uniform(0, 20);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }

  /**
   * Plans the next trip of `vehicle` (an index, for de-duplicating visits) from `fromNode` at `tMs`.
   * `via` forces the route past an incident. Returns the edges, or undefined when no route exists.
   */
  plan(
    vehicle: number,
    fromNode: number,
    tMs: number,
    via?: Incident,
  ): { edges: number[]; via?: Incident } | undefined {
    const site = via ?? this.pickSite(vehicle, fromNode, tMs);
    if (site) {
      const edge = this.graph.edges[site.edge] as RoadEdge;
      const toSite = shortestPath(this.graph, fromNode, edge.from, routeCost);
      // Commuters leave the corridor a few km later: short onward legs return them to the pool
      // sooner, which is what keeps several incidents busy with a modest fleet.
      const onward = shortestPath(
        this.graph,
        edge.to,
        this.randomDestination(edge.to, ONWARD_MAX_M),
        routeCost,
      );
      if (toSite && onward) {
        this.visits.set(`${vehicle}/${site.id}`, tMs);
        return { edges: [...toSite, edge.index, ...onward], via: site };
      }
    }
    const edges = shortestPath(
      this.graph,
      fromNode,
      this.randomDestination(fromNode, RANDOM_TRIP_MAX_M),
      routeCost,
    );
    return edges && edges.length > 0 ? { edges } : undefined;
  }

  private pickSite(vehicle: number, fromNode: number, tMs: number): Incident | undefined {
    // The most overdue incident wins: credit in minutes of its own rate, so a quiet road's
    // trickle is not starved by the busy roads' larger credits.
    let best: Incident | undefined;
    let bestCredit = 0;
    let bestOverdue = 0;
    for (const inc of this.scenario.incidents) {
      const c = this.credit.get(inc.id) ?? 0;
      const overdue = c / Math.max(inc.trafficPerMin, 1e-6);
      if (c < 1 || overdue <= bestOverdue || !this.inWindow(inc, tMs)) continue;
      const last = this.visits.get(`${vehicle}/${inc.id}`);
      if (last !== undefined && tMs - last < 25 * MIN) continue;
      const t = this.approachTimes(inc)[fromNode] as number;
      if (!(t <= MAX_APPROACH_S)) continue;
      const arrival = tMs + t * SLOWDOWN * 1000;
      if (arrival < inc.startMs || arrival >= inc.endMs + AFTER_END_MS) continue;
      best = inc;
      bestCredit = c;
      bestOverdue = overdue;
    }
    if (best) this.credit.set(best.id, bestCredit - 1);
    return best;
  }
}
