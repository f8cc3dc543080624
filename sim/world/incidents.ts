import { haversineM } from '../../lib/geo/distance.ts';
import type { Prng } from '../../lib/random/prng.ts';
import type { RoadEdge, RoadGraph } from './roadGraph.ts';

/** Kinds of injected incident. */
export type IncidentKind = 'debris' | 'stalled_car' | 'pothole';

/** The hazard kind (lib/contract/hazards.ts) a detector should raise for an incident kind. */
export const EXPECTED_HAZARD_KIND = {
  debris: 'debris',
  stalled_car: 'slowdown_or_obstruction',
  pothole: 'pothole',
} as const satisfies Record<IncidentKind, string>;

/**
 * Ground truth of one injected incident: where it is, which direction of travel it affects,
 * and when. A benchmark scores hazards raised by the pipeline against these.
 */
export interface Incident {
  id: string;
  kind: IncidentKind;
  lat: number;
  lng: number;
  /** The directed edge it lies on, by graph index and OSM node ids; only this direction is affected. */
  edge: number;
  fromOsmId: string;
  toOsmId: string;
  /** Distance from the start of the edge, metres. */
  offsetM: number;
  /** Direction of travel it affects, degrees clockwise from north. */
  headingDeg: number;
  startMs: number;
  endMs: number;
  /** 'busy' roads get heavy traffic; 'quiet' ones a trickle of 4–6 cameras per 20 minutes. */
  road: 'busy' | 'quiet';
  /** Cameras routed past it per minute while it is active. */
  trafficPerMin: number;
}

/** How one passing driver reacts to an incident; drawn per vehicle per pass. */
export interface IncidentReaction {
  /** A hard brake, begun `atDistanceM` before the incident. */
  brake?: { decelMps2: number; toSpeedFraction: number; atDistanceM: number };
  /** A `road_anomaly` report at the incident (potholes, some debris). */
  anomaly?: { kind: 'pothole' | 'debris'; severity: number };
  /** Speed cap (fraction of the limit) while passing, for drivers who saw it early. */
  passFraction: number;
}

/**
 * Share of passing drivers who brake hard. Stalled cars and debris appear suddenly in a lane,
 * so most drivers brake hard (the 80–90% the issue specifies); potholes mostly cause a jolt that
 * the IMU reports as a `road_anomaly`, and only some drivers brake for them.
 */
export const HARD_BRAKE_SHARE: Readonly<Record<IncidentKind, number>> = {
  stalled_car: 0.88,
  debris: 0.84,
  pothole: 0.3,
};

/** Draws how one driver reacts when passing an active incident at `speedMps`. */
export function incidentReaction(kind: IncidentKind, speedMps: number, prng: Prng): IncidentReaction {
  const reaction: IncidentReaction = { passFraction: kind === 'pothole' ? 0.8 : 0.45 };
  if (prng.chance(HARD_BRAKE_SHARE[kind])) {
    reaction.brake =
      kind === 'pothole'
        ? {
            decelMps2: prng.uniform(3.5, 4.8),
            toSpeedFraction: prng.uniform(0.55, 0.75),
            atDistanceM: prng.uniform(15, 45),
          }
        : {
            decelMps2: prng.uniform(3.5, 7),
            toSpeedFraction: kind === 'stalled_car' ? prng.uniform(0.15, 0.4) : prng.uniform(0.3, 0.6),
            // Seen late enough to brake hard, early enough to stop in time: within ~80 m.
            atDistanceM: prng.uniform(25, 75),
          };
  }
  if (kind === 'pothole' && prng.chance(0.8)) {
    // Faster wheels hit harder: severity grows with speed.
    const severity = Math.min(1, Math.max(0.05, 0.25 + (speedMps / 25) * 0.5 + prng.uniform(-0.1, 0.1)));
    reaction.anomaly = { kind: 'pothole', severity: Math.round(severity * 100) / 100 };
  } else if (kind === 'debris' && prng.chance(0.35)) {
    reaction.anomaly = { kind: 'debris', severity: Math.round(prng.uniform(0.3, 0.8) * 100) / 100 };
  }
  return reaction;
}

/** Options of {@link pickIncidentEdges}. */
export interface PickEdgesOptions {
  count: number;
  /** 'busy': motorway/trunk/primary; 'quiet': tertiary streets. */
  road: 'busy' | 'quiet';
  /** Keep picks at least this far from each other and from `avoid`, metres. */
  minSeparationM: number;
  avoid?: readonly { lat: number; lng: number }[];
}

/** A spot on a directed edge. */
export interface EdgeSpot {
  edge: RoadEdge;
  offsetM: number;
  lat: number;
  lng: number;
  headingDeg: number;
}

/** Point and heading at `offsetM` along an edge. */
export function pointOnEdge(
  edge: RoadEdge,
  offsetM: number,
): { lat: number; lng: number; headingDeg: number } {
  let j = 0;
  while (j < edge.cumM.length - 2 && (edge.cumM[j + 1] as number) < offsetM) j++;
  const a = edge.cumM[j] as number;
  const b = edge.cumM[j + 1] as number;
  const t = b > a ? Math.min(1, Math.max(0, (offsetM - a) / (b - a))) : 0;
  const lat = (edge.lats[j] as number) + t * ((edge.lats[j + 1] as number) - (edge.lats[j] as number));
  const lng = (edge.lngs[j] as number) + t * ((edge.lngs[j + 1] as number) - (edge.lngs[j] as number));
  const dy = (edge.lats[j + 1] as number) - (edge.lats[j] as number);
  const dx = ((edge.lngs[j + 1] as number) - (edge.lngs[j] as number)) * Math.cos((lat * Math.PI) / 180);
  const headingDeg = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
  return { lat, lng, headingDeg };
}

/**
 * Picks spots for incidents: long enough edges of the wanted class (so the approach of ~100 m
 * lies on the same road), spread apart so that the ground truth of one never explains another.
 */
export function pickIncidentEdges(graph: RoadGraph, prng: Prng, options: PickEdgesOptions): EdgeSpot[] {
  const wanted =
    options.road === 'busy'
      ? (e: RoadEdge) =>
          (e.roadClass === 'motorway' || e.roadClass === 'trunk' || e.roadClass === 'primary') &&
          e.lengthM >= 250
      : (e: RoadEdge) => e.roadClass === 'tertiary' && e.lengthM >= 200;
  const candidates = graph.edges.filter(wanted);
  const picks: EdgeSpot[] = [];
  const taken = [...(options.avoid ?? [])];
  for (let attempt = 0; attempt < 2000 && picks.length < options.count && candidates.length > 0; attempt++) {
    const edge = prng.pick(candidates);
    const offsetM = Math.min(edge.lengthM - 40, Math.max(120, edge.lengthM * prng.uniform(0.5, 0.8)));
    const p = pointOnEdge(edge, offsetM);
    if (taken.some((t) => haversineM(t.lat, t.lng, p.lat, p.lng) < options.minSeparationM)) continue;
    taken.push(p);
    picks.push({ edge, offsetM, ...p });
  }
  return picks;
}
