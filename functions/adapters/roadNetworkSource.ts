import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import bundled from '../../data/roads/pgh_road_cells.json' with { type: 'json' };
import { parseRoadCells, type RoadCellsFile } from '../../lib/insights/roadCellsFile.ts';
import { type RoadCells, roadCellsOf } from '../../lib/insights/roadNetwork.ts';
import { ENV } from '../../lib/resources.ts';

/** The road network coverage is measured against, with the attribution its licence requires. */
export interface RoadNetwork {
  cells: RoadCells;
  attribution: string;
  source: string;
}

let cached: { key: string; network: RoadNetwork } | undefined;

/**
 * The road network: an operator-loaded OpenStreetMap extract when `DASHNET_ROAD_NETWORK_FILE`
 * names one (GeoJSON, `.gz` allowed), else the bundled Pittsburgh cells. Loaded once per
 * process: rasterising a city extract takes about a second.
 */
export function roadNetwork(env: Record<string, string | undefined> = process.env): RoadNetwork {
  const file = env[ENV.roadNetworkFile];
  const key = file ?? 'bundled';
  if (cached?.key === key) return cached.network;
  let network: RoadNetwork;
  if (file) {
    const raw = readFileSync(file);
    const collection = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
    const meta = (collection as { metadata?: { attribution?: string } }).metadata;
    network = {
      cells: roadCellsOf(collection),
      attribution: meta?.attribution ?? 'Map data © OpenStreetMap contributors, ODbL 1.0',
      source: 'operator-loaded extract',
    };
  } else {
    const f = bundled as unknown as RoadCellsFile;
    network = { cells: parseRoadCells(f), attribution: f.attribution, source: f.source };
  }
  cached = { key, network };
  return network;
}
