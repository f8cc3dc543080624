import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../lib/random/prng.ts';
import { buildRoadGraph, type RoadCollection, shortestPath, travelTimes } from './roadGraph.ts';
import { CLASS_DEFAULT_MPH, parseMaxspeedMps, roadClass, speedLimitMps } from './speedLimits.ts';

const collection = JSON.parse(
  gunzipSync(readFileSync(new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url))).toString(
    'utf8',
  ),
) as RoadCollection & { metadata: { attribution: string } };
const graph = buildRoadGraph(collection);

describe('road graph', () => {
  it('loads the shipped network with its ODbL attribution', () => {
    expect(collection.metadata.attribution).toMatch(/OpenStreetMap contributors.*ODbL/);
    expect(graph.edges.length).toBeGreaterThan(10_000);
    expect(graph.nodes.length).toBeGreaterThan(5_000);
  });

  it('is strongly connected: every node reaches and is reached from every other', () => {
    const forward = travelTimes(graph, 0);
    const backward = travelTimes(graph, 0, { reverse: true });
    expect(forward.every(Number.isFinite)).toBe(true);
    expect(backward.every(Number.isFinite)).toBe(true);
  });

  it('drives two-way roads both ways and one-way roads one way', () => {
    const twoWay = graph.edges.filter((e) => e.twin >= 0);
    expect(twoWay.length).toBeGreaterThan(graph.edges.length / 2);
    for (const e of twoWay.slice(0, 100)) {
      const t = graph.edges[e.twin];
      expect(t?.from).toBe(e.to);
      expect(t?.to).toBe(e.from);
    }
  });

  it('routes along consecutive edges from origin to destination', () => {
    const prng = createPrng(3);
    for (let i = 0; i < 20; i++) {
      const a = prng.int(graph.nodes.length);
      const b = prng.int(graph.nodes.length);
      const path = shortestPath(graph, a, b) ?? [];
      if (a === b) continue;
      expect(graph.edges[path[0] as number]?.from).toBe(a);
      expect(graph.edges[path[path.length - 1] as number]?.to).toBe(b);
      for (let k = 1; k < path.length; k++) {
        expect(graph.edges[path[k] as number]?.from).toBe(graph.edges[path[k - 1] as number]?.to);
      }
    }
  });

  it('finds the fastest route: never slower than the Dijkstra travel time', () => {
    const times = travelTimes(graph, 10);
    const prng = createPrng(4);
    for (let i = 0; i < 10; i++) {
      const b = prng.int(graph.nodes.length);
      const path = shortestPath(graph, 10, b) ?? [];
      const t = path.reduce((s, ei) => s + (graph.edges[ei]?.travelTimeS ?? 0), 0);
      expect(t).toBeCloseTo(times[b] as number, 6);
    }
  });
});

describe('speed limits', () => {
  it('parses tagged limits in mph and km/h', () => {
    expect(parseMaxspeedMps('25 mph')).toBeCloseTo(11.176, 3);
    expect(parseMaxspeedMps('50')).toBeCloseTo(13.889, 3);
    expect(parseMaxspeedMps('signals')).toBeUndefined();
  });

  it('takes the lowest of a list-valued maxspeed and the most major of a list-valued class', () => {
    expect(speedLimitMps('primary', "['35 mph', '25 mph']")).toBeCloseTo(25 * 0.44704, 6);
    expect(roadClass("['trunk', 'motorway']")).toBe('motorway');
  });

  it('gives every untagged edge its class default, and no edge more than 65 mph', () => {
    for (const e of graph.edges) {
      expect(e.speedLimitMps).toBeLessThanOrEqual(65 * 0.44704 + 1e-9);
      expect(e.speedLimitMps).toBeGreaterThan(0);
    }
    const untaggedMotorway = collection.features.find(
      (f) => f.properties.highway === 'motorway' && !f.properties.maxspeed,
    );
    expect(speedLimitMps(untaggedMotorway?.properties.highway, null)).toBeCloseTo(
      (CLASS_DEFAULT_MPH.motorway as number) * 0.44704,
      6,
    );
  });
});
