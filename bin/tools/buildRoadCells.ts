/**
 * Derives the coverage denominator the functions ship with (data/roads/pgh_road_cells.json):
 * the bundled Pittsburgh road network as H3 res-10 cells per road class, metres of road per cell.
 * A derived database of OpenStreetMap data: it stays under the ODbL and carries its attribution.
 *
 *   npx tsx bin/tools/buildRoadCells.ts [in.geojson[.gz]] [out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { serializeRoadCells } from '../../lib/insights/roadCellsFile.ts';
import { roadCellsOf } from '../../lib/insights/roadNetwork.ts';

const [input = 'data/roads/pgh_major_roads.geojson.gz', output = 'data/roads/pgh_road_cells.json'] =
  process.argv.slice(2);
const raw = readFileSync(input);
const collection = JSON.parse((input.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
const file = serializeRoadCells(roadCellsOf(collection), {
  attribution:
    'Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright). ' +
    'Derived database: stays under the ODbL.',
  source:
    'data/roads/pgh_major_roads.geojson.gz (OSMnx drive network of Pittsburgh, OSM as of about July 2018)',
});
writeFileSync(output, `${JSON.stringify(file)}\n`);
process.stdout.write(`wrote ${output}\n`);
