import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { haversineM } from '../../lib/geo/distance.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';

/** A cell's centre and circumradius (largest centre-to-vertex distance). */
export interface CellInfo {
  cell: string;
  lat: number;
  lng: number;
  radiusM: number;
}

/**
 * Cell lookups with a small cache. h3-js is pure asm.js, so it runs on QuickJS; lookups are
 * still the costliest step per fix there, and consecutive fixes mostly share a cell.
 */
export class H3Cells {
  private readonly cache = new Map<string, CellInfo>();
  private lastKey = '';
  private lastInfo: CellInfo | undefined;

  constructor(private readonly resolution = PATH_CELL_RESOLUTION) {}

  /** The cell containing (lat, lng), with its centre and circumradius. */
  at(lat: number, lng: number): CellInfo {
    return this.centreOf(latLngToCell(lat, lng, this.resolution));
  }

  /** Centre and circumradius of `cell`. */
  centreOf(cell: string): CellInfo {
    if (cell === this.lastKey && this.lastInfo) return this.lastInfo;
    let info = this.cache.get(cell);
    if (!info) {
      const [clat, clng] = cellToLatLng(cell);
      let radiusM = 0;
      for (const [vlat, vlng] of cellToBoundary(cell))
        radiusM = Math.max(radiusM, haversineM(clat, clng, vlat, vlng));
      info = { cell, lat: clat, lng: clng, radiusM };
      // Bounded: a day of driving touches a few thousand cells.
      if (this.cache.size > 4096) this.cache.clear();
      this.cache.set(cell, info);
    }
    this.lastKey = cell;
    this.lastInfo = info;
    return info;
  }
}
