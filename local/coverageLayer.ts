import type { ServerResponse } from 'node:http';
import { cellToBoundary } from 'h3-js';
import { roadNetwork } from '../functions/adapters/roadNetworkSource.ts';
import { areaTotals } from '../functions/http/insights.ts';
import type { AppDeps } from '../functions/runtime/deps.ts';
import type { BBox } from '../lib/geo/bbox.ts';
import { bboxSchema } from '../lib/geo/bbox.ts';
import { DEFAULT_K, kAnonymous } from '../lib/insights/kAnonymity.ts';
import { roadCoverage } from '../lib/insights/roadCoverage.ts';
import { ROAD_CLASS_ORDER, type RoadClass } from '../lib/insights/roadNetwork.ts';
import { utcDay } from '../lib/privacy/pseudonym.ts';
import { DAY_MS } from '../lib/time/durations.ts';
import type { ExtraRoute } from './httpServer.ts';
import { MAP_SECURITY_HEADERS } from './mapRoutes.ts';

/** The map layer's path: `GET /map/coverage.json?class=motorway[&bbox=…][&days=28]`. */
export const COVERAGE_LAYER_PATH = '/map/coverage.json';
/** Pittsburgh's bundled network, the default extent of the layer. */
const PITTSBURGH: BBox = { minLng: -80.1, minLat: 40.36, maxLng: -79.86, maxLat: 40.51 };

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...MAP_SECURITY_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

/**
 * The coverage layer of the local map: the road network's cells of one class as hexagons,
 * `covered: true` where the fleet's k-anonymous observations reach them over the last `days`
 * (the same atoms and rule as `GET /v1/coverage`, so the map shows nothing an insurer could not
 * see), plus the class's covered km and share. Local only (the map is the operator's view);
 * the contract's answer is `GET /v1/coverage`.
 */
export function coverageLayer(deps: AppDeps, clock: () => number = Date.now): ExtraRoute {
  return async (req, res, url) => {
    if (req.method !== 'GET' || url.pathname !== COVERAGE_LAYER_PATH) return false;
    const cls = (url.searchParams.get('class') ?? 'motorway') as RoadClass;
    if (!ROAD_CLASS_ORDER.includes(cls)) {
      send(res, 400, { detail: `class must be one of ${ROAD_CLASS_ORDER.join(', ')}` });
      return true;
    }
    const parsedBox = url.searchParams.get('bbox')
      ? bboxSchema.safeParse(url.searchParams.get('bbox'))
      : undefined;
    if (parsedBox && !parsedBox.success) {
      send(res, 400, { detail: 'bbox must be minLng,minLat,maxLng,maxLat' });
      return true;
    }
    const bbox = parsedBox?.data ?? PITTSBURGH;
    const days = Math.min(92, Math.max(1, Number(url.searchParams.get('days') ?? 28) || 28));
    const now = clock();
    const { totals, inBox } = await areaTotals(deps, {
      bbox,
      fromDay: utcDay(now - days * DAY_MS),
      toDay: utcDay(now),
    });
    const covered = new Set(kAnonymous(totals, DEFAULT_K).map((t) => t.cell));
    const network = roadNetwork();
    const only = { [cls]: network.cells[cls] ?? new Map() };
    const cov = roadCoverage(only, inBox, covered);
    const features = [...(network.cells[cls] ?? new Map()).entries()]
      .filter(([cell]) => inBox(cell))
      .map(([cell, lengthM]) => ({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] },
        properties: { cell, roadClass: cls, lengthM: Math.round(lengthM), covered: covered.has(cell) },
      }));
    send(res, 200, {
      type: 'FeatureCollection',
      features,
      properties: { roadClass: cls, days, k: DEFAULT_K, ...cov.overall, attribution: network.attribution },
    });
    return true;
  };
}
