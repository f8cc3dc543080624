import { bearingDeg, haversineM } from '../../lib/geo/distance.ts';
import { MinHeap } from './minHeap.ts';
import { CLASS_RANK, roadClass, speedLimitMps } from './speedLimits.ts';

/** Properties of one road feature, as OSMnx exports them (see data/roads/README.md). */
export interface RoadFeatureProperties {
  highway: string | null;
  maxspeed?: string | null;
  name?: string | null;
  ref?: string | null;
  /** OSMnx writes "True"/"False"; a two-way road appears once and is driven both ways. */
  oneway?: string | boolean | null;
  from: string | number;
  to: string | number;
}

/** One road feature: a LineString from OSM node `from` to OSM node `to`. */
export interface RoadFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: number[][] };
  properties: RoadFeatureProperties;
}

/** A GeoJSON FeatureCollection of road features. */
export interface RoadCollection {
  type: 'FeatureCollection';
  features: RoadFeature[];
}

/** A directed edge of the road graph, with its geometry and the limits that govern driving on it. */
export interface RoadEdge {
  index: number;
  from: number;
  to: number;
  /** Vertex latitudes/longitudes, from `from` to `to`. */
  lats: Float64Array;
  lngs: Float64Array;
  /** Distance from the start of the edge to each vertex, metres. */
  cumM: Float64Array;
  lengthM: number;
  speedLimitMps: number;
  /** Most major OSM class of the edge (list-valued tags resolved). */
  roadClass: string;
  /** CLASS_RANK of the class: higher is more major. */
  rank: number;
  name: string;
  ref: string;
  /** The same road driven the other way (two-way roads), or -1. */
  twin: number;
  /** Heading on the first and on the last segment, degrees clockwise from north. */
  headingStartDeg: number;
  headingEndDeg: number;
  /** Free-flow travel time at the limit, seconds. */
  travelTimeS: number;
}

/** A junction (OSM node) of the road graph. */
export interface RoadNode {
  index: number;
  osmId: string;
  lat: number;
  lng: number;
  /** Outgoing and incoming edge indices. */
  out: number[];
  in: number[];
}

/** A directed road graph. */
export interface RoadGraph {
  nodes: RoadNode[];
  edges: RoadEdge[];
  /** Highest edge speed limit, m/s; makes the A* heuristic admissible. */
  maxSpeedMps: number;
}

/** Options of {@link buildRoadGraph}. */
export interface BuildRoadGraphOptions {
  /**
   * Keep only the largest strongly connected component (default true), so every node can reach
   * every other: a vehicle never gets stuck at a dead end of a clipped network.
   */
  largestComponentOnly?: boolean;
}

interface RawEdge {
  fromId: string;
  toId: string;
  coords: number[][];
  props: RoadFeatureProperties;
  reversed: boolean;
}

function isTwoWay(oneway: RoadFeatureProperties['oneway']): boolean {
  return !(oneway === true || oneway === 'True' || oneway === 'true' || oneway === 'yes');
}

/**
 * Builds the directed graph: nodes are OSM node ids, each feature is an edge, and two-way roads
 * gain the reverse edge (unless the data already holds it).
 *
 * @example
 * const graph = buildRoadGraph(JSON.parse(geojsonText));
 * const route = shortestPath(graph, 0, graph.nodes.length - 1);
 */
export function buildRoadGraph(collection: RoadCollection, options: BuildRoadGraphOptions = {}): RoadGraph {
  const raw: RawEdge[] = [];
  const present = new Set<string>();
  for (const f of collection.features) {
    if (f.geometry?.type !== 'LineString' || f.geometry.coordinates.length < 2) continue;
    const fromId = String(f.properties.from);
    const toId = String(f.properties.to);
    if (fromId === toId) continue; // loops add nothing to routing and confuse junction logic
    present.add(`${fromId}>${toId}`);
    raw.push({ fromId, toId, coords: f.geometry.coordinates, props: f.properties, reversed: false });
  }
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const e = raw[i] as RawEdge;
    if (isTwoWay(e.props.oneway) && !present.has(`${e.toId}>${e.fromId}`)) {
      raw.push({
        fromId: e.toId,
        toId: e.fromId,
        coords: [...e.coords].reverse(),
        props: e.props,
        reversed: true,
      });
    }
  }
  let keep = raw;
  if (options.largestComponentOnly !== false) {
    const comp = largestSccMembers(raw);
    keep = raw.filter((e) => comp.has(e.fromId) && comp.has(e.toId));
  }
  return assemble(keep);
}

function assemble(raw: RawEdge[]): RoadGraph {
  const nodes: RoadNode[] = [];
  const byId = new Map<string, number>();
  const nodeOf = (id: string, c: number[]): number => {
    let i = byId.get(id);
    if (i === undefined) {
      i = nodes.length;
      byId.set(id, i);
      nodes.push({ index: i, osmId: id, lat: c[1] as number, lng: c[0] as number, out: [], in: [] });
    }
    return i;
  };
  const edges: RoadEdge[] = [];
  const pairIndex = new Map<string, number>();
  let maxSpeedMps = 0;
  for (const r of raw) {
    const from = nodeOf(r.fromId, r.coords[0] as number[]);
    const to = nodeOf(r.toId, r.coords[r.coords.length - 1] as number[]);
    const k = r.coords.length;
    const lats = new Float64Array(k);
    const lngs = new Float64Array(k);
    const cumM = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const c = r.coords[i] as number[];
      lngs[i] = c[0] as number;
      lats[i] = c[1] as number;
      if (i > 0)
        cumM[i] =
          (cumM[i - 1] as number) +
          haversineM(lats[i - 1] as number, lngs[i - 1] as number, lats[i] as number, lngs[i] as number);
    }
    const lengthM = Math.max(cumM[k - 1] as number, 0.1);
    const cls = roadClass(r.props.highway);
    const limit = speedLimitMps(r.props.highway, r.props.maxspeed ?? null);
    maxSpeedMps = Math.max(maxSpeedMps, limit);
    const index = edges.length;
    edges.push({
      index,
      from,
      to,
      lats,
      lngs,
      cumM,
      lengthM,
      speedLimitMps: limit,
      roadClass: cls,
      rank: CLASS_RANK[cls] ?? 0,
      name: r.props.name ?? '',
      ref: r.props.ref ?? '',
      twin: -1,
      headingStartDeg: bearingDeg(lats[0] as number, lngs[0] as number, lats[1] as number, lngs[1] as number),
      headingEndDeg: bearingDeg(
        lats[k - 2] as number,
        lngs[k - 2] as number,
        lats[k - 1] as number,
        lngs[k - 1] as number,
      ),
      travelTimeS: lengthM / limit,
    });
    (nodes[from] as RoadNode).out.push(index);
    (nodes[to] as RoadNode).in.push(index);
    pairIndex.set(`${from}>${to}`, index);
  }
  for (const e of edges) {
    const t = pairIndex.get(`${e.to}>${e.from}`);
    if (t !== undefined) e.twin = t;
  }
  return { nodes, edges, maxSpeedMps };
}

/** OSM ids of the nodes in the largest strongly connected component (iterative Tarjan). */
function largestSccMembers(raw: RawEdge[]): Set<string> {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = names.length;
      ids.set(s, i);
      names.push(s);
    }
    return i;
  };
  const adj: number[][] = [];
  for (const e of raw) {
    const a = id(e.fromId);
    const b = id(e.toId);
    while (adj.length < names.length) adj.push([]);
    (adj[a] as number[]).push(b);
  }
  const count = names.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  let next = 0;
  let best: number[] = [];
  for (let root = 0; root < count; root++) {
    if ((index[root] as number) !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1] as [number, number];
      const [v, i] = top;
      if (i === 0) {
        index[v] = next;
        low[v] = next;
        next++;
        stack.push(v);
        onStack[v] = 1;
      }
      const out = adj[v] as number[];
      if (i < out.length) {
        top[1] = i + 1;
        const w = out[i] as number;
        if ((index[w] as number) === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] as number, low[v] as number);
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > best.length) best = comp;
      }
    }
  }
  return new Set(best.map((i) => names[i] as string));
}

/** Per-edge cost for routing, seconds. Defaults to free-flow travel time. */
export type EdgeCost = (edge: RoadEdge) => number;

const travelTime: EdgeCost = (e) => e.travelTimeS;

/**
 * Fastest route from node `from` to node `to` (A* on travel time with a great-circle heuristic),
 * as a list of edge indices; `[]` when from === to, undefined when unreachable.
 */
export function shortestPath(
  graph: RoadGraph,
  from: number,
  to: number,
  cost: EdgeCost = travelTime,
): number[] | undefined {
  if (from === to) return [];
  const target = graph.nodes[to];
  if (!target) return undefined;
  const n = graph.nodes.length;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const via = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new MinHeap();
  const h = (v: number): number => {
    const node = graph.nodes[v] as RoadNode;
    return haversineM(node.lat, node.lng, target.lat, target.lng) / graph.maxSpeedMps;
  };
  dist[from] = 0;
  heap.push(h(from), from);
  while (heap.size > 0) {
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    if (v === to) break;
    for (const ei of (graph.nodes[v] as RoadNode).out) {
      const e = graph.edges[ei] as RoadEdge;
      const d = (dist[v] as number) + cost(e);
      if (d < (dist[e.to] as number)) {
        dist[e.to] = d;
        via[e.to] = ei;
        heap.push(d + h(e.to), e.to);
      }
    }
  }
  if (via[to] === -1) return undefined;
  const path: number[] = [];
  for (let v = to; v !== from; ) {
    const ei = via[v] as number;
    path.push(ei);
    v = (graph.edges[ei] as RoadEdge).from;
  }
  return path.reverse();
}

/**
 * Travel times (seconds) from a node to every node within `maxCostS` (Dijkstra), or — with
 * `reverse` — from every such node to it. Unreached nodes are Infinity.
 */
export function travelTimes(
  graph: RoadGraph,
  source: number,
  options: { reverse?: boolean; maxCostS?: number } = {},
): Float64Array {
  const n = graph.nodes.length;
  const limit = options.maxCostS ?? Number.POSITIVE_INFINITY;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const heap = new MinHeap();
  dist[source] = 0;
  heap.push(0, source);
  while (heap.size > 0) {
    const d0 = heap.peekPriority();
    const v = heap.pop();
    if (d0 > (dist[v] as number)) continue;
    const node = graph.nodes[v] as RoadNode;
    for (const ei of options.reverse ? node.in : node.out) {
      const e = graph.edges[ei] as RoadEdge;
      const w = options.reverse ? e.from : e.to;
      const d = d0 + e.travelTimeS;
      if (d <= limit && d < (dist[w] as number)) {
        dist[w] = d;
        heap.push(d, w);
      }
    }
  }
  return dist;
}
