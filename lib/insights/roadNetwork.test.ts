import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { parseRoadCells, serializeRoadCells } from './roadCellsFile.ts';
import { roadCoverage } from './roadCoverage.ts';
import { RoadNetworkError, roadCellsOf, roadClassOf } from './roadNetwork.ts';

/** A north-south line of `dLat` degrees: its length is R·dLat·π/180 (R = 6 371 008.8 m). */
const line = (lng: number, lat0: number, dLat: number, highway: string, from: string, to: string) => ({
  type: 'Feature',
  geometry: {
    type: 'LineString',
    coordinates: [
      [lng, lat0],
      [lng, lat0 + dLat],
    ],
  },
  properties: { highway, from, to },
});

// Hand-computed: 0.009° of latitude = 6 371 008.8 × 0.009 × π / 180 = 1000.75 m; 0.0045° = 500.37 m.
const A_M = 1000.75;
const B_M = 500.37;
const fixture = {
  type: 'FeatureCollection',
  features: [
    line(-79.99, 40.44, 0.009, 'motorway', '1', '2'), // motorway A, 1000.75 m
    line(-79.95, 40.44, 0.0045, "['trunk', 'motorway']", '3', '4'), // motorway B (list tag), 500.37 m
    line(-79.93, 40.44, 0.0045, 'trunk', '5', '6'), // trunk, 500.37 m
    line(-79.93, 40.44, 0.0045, 'trunk', '6', '5'), // its reverse edge: counted once
    line(-79.91, 40.44, 0.0045, 'footway', '7', '8'), // not a road class: ignored
  ],
};

describe('road network cells', () => {
  it('takes the most important member of a list-valued highway tag', () => {
    expect(roadClassOf("['trunk', 'motorway']")).toBe('motorway');
    expect(roadClassOf('primary_link')).toBe('primary_link');
    expect(roadClassOf('footway')).toBeUndefined();
  });

  it('credits every metre of a road to the res-10 cells it crosses, once per class', () => {
    const cells = roadCellsOf(fixture);
    const sum = (m?: Map<string, number>) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
    expect(sum(cells.motorway)).toBeCloseTo(A_M + B_M, 0);
    expect(sum(cells.trunk)).toBeCloseTo(B_M, 0); // the reverse edge is not counted again
    expect(cells.trunk?.size).toBeGreaterThanOrEqual(3);
    expect(Object.keys(cells)).toEqual(['motorway', 'trunk']);
  });

  it('reports motorway coverage equal to the hand-computed share when motorway A meets k and B does not', () => {
    const cells = roadCellsOf(fixture);
    const aCells = new Set(
      Array.from({ length: 1001 }, (_, i) => latLngToCell(40.44 + (i * 0.009) / 1000, -79.99, 10)),
    );
    const cov = roadCoverage(cells, () => true, aCells);
    const motorway = cov.byClass.find((c) => c.roadClass === 'motorway')!;
    // Hand-computed: 1000.75 / (1000.75 + 500.37) = 0.6667; covered 1.001 km of 1.501 km.
    expect(motorway.share).toBeCloseTo(0.6667, 3);
    expect(motorway.coveredKm).toBeCloseTo(1.001, 3);
    expect(motorway.roadKm).toBeCloseTo(1.501, 3);
    expect(cov.byClass.find((c) => c.roadClass === 'trunk')!.coveredKm).toBe(0);
    expect(cov.overall.roadKm).toBeCloseTo(2.002, 2);
  });

  it('keeps only the area when given a box test', () => {
    const cells = roadCellsOf(fixture);
    const west = (c: string) => c === latLngToCell(40.441, -79.99, 10);
    const cov = roadCoverage(cells, west, new Set());
    expect(cov.byClass.map((c) => c.roadClass)).toEqual(['motorway']);
    expect(cov.overall.roadCells).toBe(1);
  });

  it('round-trips through its JSON document', () => {
    const cells = roadCellsOf(fixture);
    const back = parseRoadCells(serializeRoadCells(cells, { attribution: 'OSM', source: 'fixture' }));
    expect([...back.motorway!.keys()].sort()).toEqual([...cells.motorway!.keys()].sort());
  });

  it('rejects what is not a FeatureCollection of roads, with a code', () => {
    expect(() => roadCellsOf({})).toThrow(expect.objectContaining({ code: 'NOT_GEOJSON' }));
    expect(() => roadCellsOf({ type: 'FeatureCollection', features: [] })).toThrow(RoadNetworkError);
  });
});
