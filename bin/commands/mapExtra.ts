import type { AggregationReport } from '../../functions/stream/aggregator.ts';
import type { ExtraRoute } from '../../local/httpServer.ts';
import type { LocalStackHandle } from '../../local/localStack.ts';

type Cameras = () => { id: string; lat: number; lng: number; heading: number; speedMps: number }[];

/**
 * The live map's wiring into the local stack: routes for the page and its live data, and
 * the aggregation feed that shows cells gathering evidence.
 * TODO(map): replaced by local/mapRoutes.ts once the map page lands.
 */
export function mapExtra() {
  let cameras: Cameras = () => [];
  return {
    extra:
      (_stack: LocalStackHandle): ExtraRoute =>
      async (_req, res, url) => {
        if (url.pathname !== '/map/live.json') return false;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ at: new Date().toISOString(), cameras: cameras(), cells: [] }));
        return true;
      },
    onAggregation: (_r: AggregationReport) => {},
    setCameras: (c: Cameras) => {
      cameras = c;
    },
  };
}
