import { latLngToCell } from 'h3-js';
import { PATH_CELL_RESOLUTION } from '../geo/pathCellResolution.ts';

/**
 * The denominator of coverage: a road network (an OpenStreetMap extract) turned into H3 res-10
 * cells per road class, with the metres of road of that class inside each cell. Coverage is then
 * "km of motorway in cells that meet k / km of motorway", which answers the industry's headline
 * figure ("98 % of highway miles observed") instead of measuring the network against itself.
 */

/**
 * OSM road classes from most to least important. A list-valued tag ("['trunk', 'motorway']",
 * a way that changes class) takes its most important member, so no metre is counted twice.
 */
export const ROAD_CLASS_ORDER = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
] as const;

/** An OSM `highway` class dashnet reports coverage for. */
export type RoadClass = (typeof ROAD_CLASS_ORDER)[number];

/** Per road class, per res-10 cell, the metres of road of that class inside the cell. */
export type RoadCells = Partial<Record<RoadClass, Map<string, number>>>;

/** Error family of road network loading. */
export class RoadNetworkError extends Error {
  override readonly name = 'RoadNetworkError';
  constructor(
    readonly code: 'NOT_GEOJSON' | 'NO_ROADS',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The road class of an OSM `highway` tag, or undefined when dashnet does not report it (tracks,
 * paths, construction). List-valued tags take their most important member.
 *
 * @example roadClassOf("['trunk', 'motorway']") // 'motorway'
 */
export function roadClassOf(highway: unknown): RoadClass | undefined {
  const values = Array.isArray(highway)
    ? highway.map(String)
    : typeof highway === 'string'
      ? (highway.match(/[a-z_]+/g) ?? [])
      : [];
  let best: RoadClass | undefined;
  for (const v of values) {
    const i = ROAD_CLASS_ORDER.indexOf(v as RoadClass);
    if (i >= 0 && (best === undefined || i < ROAD_CLASS_ORDER.indexOf(best))) best = v as RoadClass;
  }
  return best;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance between two [lng, lat] positions (haversine, mean Earth radius). */
export function distanceM(a: readonly number[], b: readonly number[]): number {
  const [lng1 = 0, lat1 = 0] = a;
  const [lng2 = 0, lat2 = 0] = b;
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Road geometry is cut into pieces of at most this length and each piece is credited to the cell
 * of its midpoint: a res-10 hexagon is ~150 m across, so a piece straddling a border misplaces at
 * most 5 m, well under 4 % of a cell's chord.
 */
const STEP_M = 10;

interface Feature {
  geometry?: { type?: string; coordinates?: unknown } | null;
  properties?: Record<string, unknown> | null;
}

function lines(geometry: Feature['geometry']): number[][][] {
  if (!geometry) return [];
  if (geometry.type === 'LineString') return [geometry.coordinates as number[][]];
  if (geometry.type === 'MultiLineString') return geometry.coordinates as number[][][];
  return [];
}

/**
 * Two-way streets appear once per direction in some extracts (OSMnx drive networks): counting
 * both would double their kilometres. An edge is identified by its unordered end nodes and way.
 */
function edgeKey(p: Record<string, unknown>): string | undefined {
  if (p.from === undefined || p.to === undefined) return undefined;
  const [a, b] = [String(p.from), String(p.to)].sort();
  return `${a}|${b}|${String(p.osmid ?? '')}`;
}

/**
 * The road cells of a GeoJSON FeatureCollection of LineStrings tagged with OSM `highway`:
 * per class, per H3 res-10 cell, the metres of road inside it. Reverse duplicates of two-way
 * edges (same end nodes) are counted once.
 *
 * @example roadCellsOf(JSON.parse(gunzip(file))).motorway?.size // motorway cells of the extract
 */
export function roadCellsOf(collection: unknown, resolution = PATH_CELL_RESOLUTION): RoadCells {
  const features = (collection as { features?: unknown })?.features;
  if (!Array.isArray(features)) throw new RoadNetworkError('NOT_GEOJSON', 'not a GeoJSON FeatureCollection');
  const out: RoadCells = {};
  const seenEdges = new Set<string>();
  for (const f of features as Feature[]) {
    const props = f.properties ?? {};
    const cls = roadClassOf(props.highway);
    if (!cls) continue;
    const key = edgeKey(props);
    if (key) {
      if (seenEdges.has(key)) continue;
      seenEdges.add(key);
    }
    let cells = out[cls];
    if (!cells) {
      cells = new Map();
      out[cls] = cells;
    }
    for (const line of lines(f.geometry)) {
      for (let i = 1; i < line.length; i++) {
        const a = line[i - 1]!;
        const b = line[i]!;
        const len = distanceM(a, b);
        if (!(len > 0)) continue;
        const n = Math.ceil(len / STEP_M);
        for (let j = 0; j < n; j++) {
          const t = (j + 0.5) / n;
          const lng = a[0]! + (b[0]! - a[0]!) * t;
          const lat = a[1]! + (b[1]! - a[1]!) * t;
          const cell = latLngToCell(lat, lng, resolution);
          cells.set(cell, (cells.get(cell) ?? 0) + len / n);
        }
      }
    }
  }
  if (Object.keys(out).length === 0)
    throw new RoadNetworkError('NO_ROADS', 'no road with an OSM highway class');
  return out;
}
