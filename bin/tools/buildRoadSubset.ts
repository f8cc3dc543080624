/**
 * Derives the road network the simulator ships with (data/roads/pgh_major_roads.geojson) from the
 * OSMnx export of Pittsburgh's major roads (© OpenStreetMap contributors, ODbL 1.0).
 *
 *   npx tsx bin/tools/buildRoadSubset.ts <pgh_major_roads.geojson> [out.geojson[.gz]]
 *
 * Steps, each for a reason:
 * - keep the largest strongly connected component, so every trip can reach every destination
 *   (the major-road subset alone already holds 99% of its edges in one component, so no minor
 *   connector roads are needed);
 * - simplify each LineString with Douglas–Peucker at 2 m and round to 1e-5° (≈1.1 m): GPS is
 *   no better than that, and it keeps the file well under 2 MB;
 * - keep only the properties the simulator reads (class, maxspeed, name, ref, oneway, from, to).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildRoadGraph, type RoadCollection, type RoadFeature } from '../../sim/world/roadGraph.ts';

const TOLERANCE_M = 2;
const M_PER_DEG_LAT = 111_320;

function simplify(coords: number[][], toleranceM: number): number[][] {
  if (coords.length <= 2) return coords;
  const lat0 = ((coords[0]?.[1] ?? 0) * Math.PI) / 180;
  const kx = M_PER_DEG_LAT * Math.cos(lat0);
  const xy = coords.map((c) => [(c[0] as number) * kx, (c[1] as number) * M_PER_DEG_LAT] as const);
  const keep = new Uint8Array(coords.length);
  keep[0] = 1;
  keep[coords.length - 1] = 1;
  const stack: [number, number][] = [[0, coords.length - 1]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const [ax, ay] = xy[a] as readonly [number, number];
    const [bx, by] = xy[b] as readonly [number, number];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1e-12;
    let worst = -1;
    let worstD = toleranceM;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = xy[i] as readonly [number, number];
      const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
      const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return coords.filter((_, i) => keep[i] === 1);
}

const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

function main(argv: string[]): number {
  const [input, output = 'data/roads/pgh_major_roads.geojson.gz'] = argv;
  if (!input) {
    process.stderr.write('usage: buildRoadSubset <pgh_major_roads.geojson> [out.geojson]\n');
    return 2;
  }
  const source = JSON.parse(readFileSync(input, 'utf8')) as RoadCollection;
  const graph = buildRoadGraph(source);
  const inComponent = new Set(graph.nodes.map((n) => n.osmId));
  const features: RoadFeature[] = [];
  for (const f of source.features) {
    const p = f.properties;
    if (!inComponent.has(String(p.from)) || !inComponent.has(String(p.to))) continue;
    if (String(p.from) === String(p.to)) continue;
    const coords = simplify(f.geometry.coordinates, TOLERANCE_M).map((c) => [
      round5(c[0] as number),
      round5(c[1] as number),
    ]);
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: {
        highway: p.highway,
        maxspeed: p.maxspeed ?? null,
        name: p.name ?? null,
        ref: p.ref ?? null,
        oneway: p.oneway === 'True' || p.oneway === true ? 'True' : 'False',
        from: String(p.from),
        to: String(p.to),
      },
    });
  }
  const out = {
    type: 'FeatureCollection',
    metadata: {
      attribution:
        'Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)',
      license: 'ODbL-1.0',
      derivedFrom: 'OSMnx drive network of Pittsburgh (city + 900 m buffer, OSM as of about July 2018)',
      processing: `major roads, largest strongly connected component, Douglas-Peucker ${TOLERANCE_M} m, 1e-5 deg`,
    },
    features,
  };
  // One feature per line: small diffs when the data is regenerated, still valid JSON.
  const body = features.map((f) => JSON.stringify(f)).join(',\n');
  const head = JSON.stringify({ type: out.type, metadata: out.metadata }).slice(0, -1);
  const text = `${head},"features":[\n${body}\n]}\n`;
  // Gzip keeps the repository light (≈0.2 MB instead of 1.8 MB); Node's gzip header has no
  // timestamp, so regenerating yields identical bytes.
  writeFileSync(output, output.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
  process.stdout.write(`${features.length} features, ${graph.edges.length} directed edges → ${output}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
