import { gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import type { BBox } from './bbox.ts';

/**
 * The H3 cells at `res` that together cover a bounding box: the cells whose centres lie inside,
 * plus those under the corners and edge midpoints, plus one ring — a box smaller than a cell
 * has no cell centre inside it at all.
 */
export function cellsCoveringBBox(b: BBox, res: number): string[] {
  const ring: [number, number][] = [
    [b.minLat, b.minLng],
    [b.minLat, b.maxLng],
    [b.maxLat, b.maxLng],
    [b.maxLat, b.minLng],
    [b.minLat, b.minLng],
  ];
  const cells = new Set(polygonToCells(ring, res));
  const midLat = (b.minLat + b.maxLat) / 2;
  const midLng = (b.minLng + b.maxLng) / 2;
  for (const [lat, lng] of [
    ...ring,
    [midLat, b.minLng],
    [midLat, b.maxLng],
    [b.minLat, midLng],
    [b.maxLat, midLng],
    [midLat, midLng],
  ] as [number, number][]) {
    cells.add(latLngToCell(lat, lng, res));
  }
  const covered = new Set<string>();
  for (const c of cells) for (const n of gridDisk(c, 1)) covered.add(n);
  return [...covered];
}
