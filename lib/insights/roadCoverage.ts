import { ROAD_CLASS_ORDER, type RoadCells, type RoadClass } from './roadNetwork.ts';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Coverage of one road class (or of all of them) in an area and interval. */
export interface ClassCoverage {
  /** Road length of the area, from the road network alone (never from observations). */
  roadKm: number;
  /** Road length inside cells that meet k in the interval. */
  coveredKm: number;
  /** coveredKm / roadKm, 0 when the area has no road of the class. */
  share: number;
  roadCells: number;
  coveredCells: number;
}

/** Coverage per road class and overall. */
export interface RoadCoverage {
  overall: ClassCoverage;
  byClass: ({ roadClass: RoadClass } & ClassCoverage)[];
}

/**
 * Coverage of a road network: per class, the kilometres of road whose cells meet k, against
 * the kilometres of road in the area.
 *
 * Why no observation below k can show through (docs/insights.md, "No withheld trace"):
 * - the denominators (`roadKm`, `roadCells`) are a function of the road network and the area
 *   only — two boxes, or two intervals, differ in them by road geometry, which is public;
 * - the numerators add up only cells in `covered`, and the caller puts there only cells whose
 *   k-anonymous totals are non-zero (a cell's total is the sum of its day atoms that each meet k),
 *   so differencing two answers yields a sum over cells each of which `segments` shows anyway;
 * - a cell observed below k is simply not in `covered`: it counts exactly like a cell nobody
 *   ever drove, and nothing in the answer counts "seen" cells.
 *
 * @example roadCoverage(cells, (c) => inBox(c), new Set(kAnonymousCells)).byClass[0]?.share
 */
export function roadCoverage(
  network: RoadCells,
  inArea: (cell: string) => boolean,
  covered: ReadonlySet<string>,
): RoadCoverage {
  const allRoad = new Set<string>();
  const allCovered = new Set<string>();
  let roadM = 0;
  let coveredM = 0;
  const byClass: RoadCoverage['byClass'] = [];
  for (const roadClass of ROAD_CLASS_ORDER) {
    const cells = network[roadClass];
    if (!cells) continue;
    let classRoadM = 0;
    let classCoveredM = 0;
    let roadCells = 0;
    let coveredCells = 0;
    for (const [cell, lengthM] of cells) {
      if (!inArea(cell)) continue;
      classRoadM += lengthM;
      roadCells++;
      allRoad.add(cell);
      if (covered.has(cell)) {
        classCoveredM += lengthM;
        coveredCells++;
        allCovered.add(cell);
      }
    }
    if (roadCells === 0) continue;
    roadM += classRoadM;
    coveredM += classCoveredM;
    byClass.push({ roadClass, ...summary(classRoadM, classCoveredM, roadCells, coveredCells) });
  }
  return { overall: summary(roadM, coveredM, allRoad.size, allCovered.size), byClass };
}

function summary(roadM: number, coveredM: number, roadCells: number, coveredCells: number): ClassCoverage {
  return {
    roadKm: round(roadM / 1000, 3),
    coveredKm: round(coveredM / 1000, 3),
    share: roadM > 0 ? round(coveredM / roadM, 4) : 0,
    roadCells,
    coveredCells,
  };
}
