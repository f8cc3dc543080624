import type { AggregationReport } from '../../functions/stream/aggregator.ts';
import { coverageLayer } from '../../local/coverageLayer.ts';
import type { ExtraRoute } from '../../local/httpServer.ts';
import { LiveCells } from '../../local/liveCells.ts';
import type { LocalStackHandle } from '../../local/localStack.ts';
import { type MapCamera, mapRoutes } from '../../local/mapRoutes.ts';

/** The live map's wiring into the local stack: page routes plus the aggregation feed. */
export function mapExtra() {
  const live = new LiveCells();
  // The fleet starts after the stack, so routes read cameras through this late-bound callback.
  let cameras: () => MapCamera[] = () => [];
  return {
    extra: (stack: LocalStackHandle): ExtraRoute => {
      const page = mapRoutes({
        roadsFile: new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url),
        webDir: new URL('../../web/', import.meta.url),
        cameras: () => cameras(),
        cells: () => live.snapshot(),
        detectorWindowMinutes: stack.deps.detector.windowMinutes,
      });
      const coverage = coverageLayer(stack.deps);
      return async (req, res, url) => (await coverage(req, res, url)) || page(req, res, url);
    },
    onAggregation: (r: AggregationReport) => live.add(r),
    setCameras: (c: () => MapCamera[]) => {
      cameras = c;
    },
  };
}
