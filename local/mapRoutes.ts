import { readFile, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { hazardKindLegend } from '../lib/hazards/hazardKinds.ts';
import { isoOf } from '../lib/time/isoTime.ts';
import type { ExtraRoute } from './httpServer.ts';
import type { LiveCell } from './liveCells.ts';

/** A camera as the live map draws it (the fleet's `CameraView`). */
export interface MapCamera {
  id: string;
  lat: number;
  lng: number;
  heading: number;
  speedMps: number;
  /** Camera model (simulated fleets). */
  model?: string;
  /** Mount calibration: `forward` (converged), `gravity` ("down" only) or `none`. */
  calibration?: string;
  /** Batches waiting in the camera's durable queue. */
  queueDepth?: number;
}

/** A hazard's evidence question, from `GET /map/evidence.json?lat=&lng=&from=&to=[&heading=]`. */
export interface MapEvidenceQuery {
  lat: number;
  lng: number;
  headingDeg?: number;
  fromMs: number;
  toMs: number;
}

/** Options of {@link mapRoutes}. */
export interface MapRoutesOptions {
  /** Gzipped GeoJSON road network (the bundled ODbL Pittsburgh subset). */
  roadsFile: string | URL;
  /** Folder of the page's static files (`web/`). */
  webDir: string | URL;
  /** Live camera positions; none when the stack runs without a fleet. */
  cameras?: () => MapCamera[];
  /** Cells gathering evidence, e.g. `LiveCells#snapshot`. */
  cells: () => LiveCell[];
  /** The detector's configured window (minutes), for the kinds that set none. */
  detectorWindowMinutes: number;
}

/**
 * Road classes from most to least important. The page draws them in reverse so majors end on
 * top; list-valued OSM tags ("['trunk', 'motorway']") take their most important member.
 */
export const ROAD_CLASSES = [
  'motorway',
  'trunk',
  'primary',
  'motorway_link',
  'trunk_link',
  'secondary',
  'primary_link',
  'tertiary',
  'secondary_link',
  'tertiary_link',
] as const;

const ATTRIBUTION = 'Map data © OpenStreetMap contributors, ODbL';

/**
 * Headers of every map response. The page loads only its own files and talks only to its own
 * origin (the road network, live cells and hazards are all served here), so the CSP allows
 * `'self'` and nothing else: no inline script or style to inject into, no framing
 * (clickjacking), no plugins, no base-URI or form hijack. `data:` images cover the empty
 * favicon. Outbound links (OSM licence) carry `rel=noopener` in the page.
 */
export const MAP_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The road network as the page draws it, serialised and gzipped once. */
interface RoadsPayload {
  json: Buffer;
  gzip: Buffer;
}

interface RoadFeature {
  geometry?: { type?: string; coordinates?: unknown };
  properties?: { highway?: unknown };
}

/** The most important road class a (possibly list-valued) OSM `highway` tag names, or -1. */
function classIndex(highway: unknown): number {
  const text = typeof highway === 'string' ? highway : '';
  let best = -1;
  for (const m of text.matchAll(/[a-z_]+/g)) {
    const i = ROAD_CLASSES.indexOf(m[0] as (typeof ROAD_CLASSES)[number]);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/**
 * Reduces the GeoJSON to what drawing needs: `lines` of `[classIndex, [[lng, lat], …]]`, least
 * important first so a canvas drawing them in order puts majors on top. Names, OSM ids and
 * speed tags are dropped: ~1.4 MB of GeoJSON becomes a few hundred kB before gzip.
 */
export function roadsForDrawing(geojson: { features?: RoadFeature[] }) {
  const lines: [number, [number, number][]][] = [];
  const bbox = [180, 90, -180, -90] as [number, number, number, number];
  for (const f of geojson.features ?? []) {
    if (f.geometry?.type !== 'LineString' || !Array.isArray(f.geometry.coordinates)) continue;
    const cls = classIndex(f.properties?.highway);
    if (cls < 0) continue;
    const coords: [number, number][] = [];
    for (const c of f.geometry.coordinates as unknown[]) {
      if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') continue;
      const lng = Math.round(c[0] * 1e5) / 1e5;
      const lat = Math.round(c[1] * 1e5) / 1e5;
      coords.push([lng, lat]);
      bbox[0] = Math.min(bbox[0], lng);
      bbox[1] = Math.min(bbox[1], lat);
      bbox[2] = Math.max(bbox[2], lng);
      bbox[3] = Math.max(bbox[3], lat);
    }
    if (coords.length >= 2) lines.push([cls, coords]);
  }
  lines.sort((a, b) => b[0] - a[0]);
  return { attribution: ATTRIBUTION, classes: [...ROAD_CLASSES], bbox, lines };
}

function asPath(p: string | URL): string {
  return p instanceof URL ? fileURLToPath(p) : p;
}

function acceptsGzip(req: IncomingMessage): boolean {
  const v = req.headers['accept-encoding'];
  return typeof v === 'string' && /\bgzip\b/.test(v);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...MAP_SECURITY_HEADERS, 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, path: string): void {
  res.writeHead(404, { ...MAP_SECURITY_HEADERS, 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, detail: `no file ${path}` }),
  );
}

/** Rounds for the wire: ~1 m positions are plenty for a dot, and the page polls every second. */
function compactCamera(c: MapCamera): MapCamera {
  return {
    id: c.id,
    lat: Math.round(c.lat * 1e5) / 1e5,
    lng: Math.round(c.lng * 1e5) / 1e5,
    heading: Math.round(c.heading),
    speedMps: Math.round(c.speedMps * 10) / 10,
    ...(c.model !== undefined ? { model: c.model } : {}),
    ...(c.calibration !== undefined ? { calibration: c.calibration } : {}),
    ...(c.queueDepth !== undefined ? { queueDepth: c.queueDepth } : {}),
  };
}

/** Parses the evidence query; undefined when a number is missing or out of range. */
export function parseEvidenceQuery(params: URLSearchParams): MapEvidenceQuery | undefined {
  const num = (k: string): number | undefined => {
    const raw = params.get(k);
    if (raw === null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const lat = num('lat');
  const lng = num('lng');
  const fromMs = Date.parse(params.get('from') ?? '');
  const toMs = Date.parse(params.get('to') ?? '');
  const heading = num('heading');
  if (lat === undefined || lng === undefined || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) return undefined;
  return { lat, lng, fromMs, toMs, ...(heading !== undefined ? { headingDeg: heading } : {}) };
}

/**
 * `GET /map/evidence.json?lat=&lng=&from=&to=[&heading=]`: the evidence behind a hazard the
 * operator clicked, from `evidence` (the simulated fleet's log: detections on the devices and
 * reports the stack accepted). 404 when no fleet runs, 400 on a bad query.
 */
export function evidenceRoute(evidence: () => ((q: MapEvidenceQuery) => unknown) | undefined): ExtraRoute {
  return async (req, res, url) => {
    if ((req.method ?? 'GET') !== 'GET' || url.pathname !== '/map/evidence.json') return false;
    const provider = evidence();
    if (!provider) {
      notFound(res, url.pathname);
      return true;
    }
    const q = parseEvidenceQuery(url.searchParams);
    if (!q) {
      res.writeHead(400, { ...MAP_SECURITY_HEADERS, 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad request',
          status: 400,
          detail: 'lat, lng, from and to (RFC 3339) are required; heading is optional',
        }),
      );
      return true;
    }
    sendJson(res, 200, provider(q), { 'cache-control': 'no-store' });
    return true;
  };
}

/**
 * The live map's routes for the local stack (`startLocalStack({ extra })`): the page and its
 * assets from `webDir`, the road network for drawing, and the live cameras and evidence cells.
 * Hazards themselves come from the contract's own `GET /v1/hazards`, so the map shows exactly
 * what a driver's app would.
 *
 * - `GET /` → 302 `/map/`; `GET /map` → 301 `/map/`
 * - `GET /map/` and `/map/<file>`: static files, confined to `webDir`
 * - `GET /map/roads.json`: `{ attribution, classes, bbox, lines: [[classIndex, [[lng, lat], …]], …] }`
 * - `GET /map/live.json`: `{ at, cameras: [...], cells: [...] }`, never cached
 */
export function mapRoutes(opts: MapRoutesOptions): ExtraRoute {
  const webRoot = resolve(asPath(opts.webDir));
  let roads: Promise<RoadsPayload> | undefined;
  const loadRoads = (): Promise<RoadsPayload> => {
    roads ??= readFile(asPath(opts.roadsFile)).then((raw) => {
      const json = Buffer.from(JSON.stringify(roadsForDrawing(JSON.parse(gunzipSync(raw).toString('utf8')))));
      return { json, gzip: gzipSync(json, { level: 9 }) };
    });
    // A failed read is not cached: the next request tries again.
    roads.catch(() => {
      roads = undefined;
    });
    return roads;
  };
  let webRootReal: Promise<string> | undefined;

  /** Serves `rel` from the web folder; null when it is not a file inside it. */
  const serveStatic = async (req: IncomingMessage, res: ServerResponse, rel: string): Promise<boolean> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rel);
    } catch {
      return false;
    }
    // Defence against traversal: no NUL, no backslashes, no `..` or dot-file segments, and the
    // resolved real path (symlinks followed) must stay inside the web folder.
    if (decoded.includes('\0') || decoded.includes('\\')) return false;
    if (decoded.split('/').some((seg) => seg.startsWith('.'))) return false;
    const type = CONTENT_TYPES[extname(decoded).toLowerCase()];
    if (!type) return false;
    const candidate = resolve(webRoot, decoded);
    if (!candidate.startsWith(webRoot + sep)) return false;
    let body: Buffer;
    try {
      webRootReal ??= realpath(webRoot);
      const real = await realpath(candidate);
      if (!real.startsWith((await webRootReal) + sep)) return false;
      body = await readFile(real);
    } catch {
      return false;
    }
    // no-cache, not no-store: the browser revalidates, so an edited page shows on reload.
    res.writeHead(200, {
      ...MAP_SECURITY_HEADERS,
      'content-type': type,
      'cache-control': 'no-cache',
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };

  return async (req, res, url) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    const path = url.pathname;
    if (path === '/') {
      res.writeHead(302, { ...MAP_SECURITY_HEADERS, location: '/map/' });
      res.end();
      return true;
    }
    if (path === '/map') {
      res.writeHead(301, { ...MAP_SECURITY_HEADERS, location: '/map/' });
      res.end();
      return true;
    }
    if (!path.startsWith('/map/')) return false;
    if (path === '/map/live.json') {
      sendJson(
        res,
        200,
        {
          at: isoOf(Date.now()),
          cameras: (opts.cameras?.() ?? []).map(compactCamera),
          cells: opts.cells(),
        },
        { 'cache-control': 'no-store' },
      );
      return true;
    }
    if (path === '/map/kinds.json') {
      sendJson(res, 200, hazardKindLegend(opts.detectorWindowMinutes), {
        'cache-control': 'public, max-age=300',
      });
      return true;
    }
    if (path === '/map/roads.json') {
      const payload = await loadRoads();
      const gz = acceptsGzip(req);
      const body = gz ? payload.gzip : payload.json;
      res.writeHead(200, {
        ...MAP_SECURITY_HEADERS,
        'content-type': 'application/json',
        'cache-control': 'public, max-age=300',
        vary: 'accept-encoding',
        'content-length': body.length,
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    }
    const rel = path === '/map/' ? 'index.html' : path.slice('/map/'.length);
    if (await serveStatic(req, res, rel)) return true;
    notFound(res, path);
    return true;
  };
}
