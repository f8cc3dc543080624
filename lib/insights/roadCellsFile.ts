import { ROAD_CLASS_ORDER, type RoadCells, type RoadClass } from './roadNetwork.ts';

/**
 * The road cells as a JSON document the Lambda bundle can carry (esbuild inlines JSON imports;
 * the GeoJSON itself is ten times larger and costs a cold start to rasterise).
 */
export interface RoadCellsFile {
  /** ODbL attribution: the file is a derived database of OpenStreetMap. */
  attribution: string;
  source: string;
  resolution: number;
  /** Per class, `cell` → metres of road (0.1 m). */
  classes: Partial<Record<RoadClass, Record<string, number>>>;
}

/** Serialises road cells with their provenance. */
export function serializeRoadCells(
  cells: RoadCells,
  meta: { attribution: string; source: string; resolution?: number },
): RoadCellsFile {
  const classes: RoadCellsFile['classes'] = {};
  for (const cls of ROAD_CLASS_ORDER) {
    const m = cells[cls];
    if (!m) continue;
    const rec: Record<string, number> = {};
    for (const [cell, lengthM] of [...m].sort(([a], [b]) => a.localeCompare(b)))
      rec[cell] = Math.round(lengthM * 10) / 10;
    classes[cls] = rec;
  }
  return { ...meta, resolution: meta.resolution ?? 10, classes };
}

/** Reads road cells back from their JSON document. */
export function parseRoadCells(file: Pick<RoadCellsFile, 'classes'>): RoadCells {
  const out: RoadCells = {};
  for (const cls of ROAD_CLASS_ORDER) {
    const rec = file.classes[cls];
    if (rec) out[cls] = new Map(Object.entries(rec));
  }
  return out;
}
