import { areNeighborCells, cellToLatLng, gridPathCells, latLngToCell } from 'h3-js';
import type { TripEvent, TripPathEntry } from '../../lib/contract/events.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import type { Prng } from '../../lib/random/prng.ts';
import { isoOf } from '../../lib/time/isoTime.ts';

/**
 * Records one trip's exposure as the contract's incremental `trip` segments: every H3 res-10
 * cell entered, once per entry, cut into segments at each batch.
 */
export class TripRecorder {
  readonly tripId: string;
  private seq = 0;
  private lastCell: string | undefined;
  private path: TripPathEntry[] = [];
  private distanceM = 0;
  private closed = false;

  constructor(private readonly prng: Prng) {
    this.tripId = prng.uuid();
  }

  /** True once the final segment has been taken. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Records the vehicle at a point. Cells skipped between two samples (a corner clipped at speed)
   * are filled in along the H3 grid line, so the path stays contiguous.
   */
  record(lat: number, lng: number, tMs: number, speedMps: number, heading: number): void {
    const cell = latLngToCell(lat, lng, PATH_CELL_RESOLUTION);
    if (cell === this.lastCell) return;
    const entry = (c: string): TripPathEntry => ({
      cell: c,
      ts: isoOf(tMs),
      speedMps: Math.round(speedMps * 100) / 100,
      heading: Math.round(heading * 10) / 10 >= 360 ? 0 : Math.round(heading * 10) / 10,
    });
    if (this.lastCell !== undefined && !areNeighborCells(this.lastCell, cell)) {
      try {
        const line = gridPathCells(this.lastCell, cell);
        for (let i = 1; i < line.length - 1; i++) this.path.push(entry(line[i] as string));
      } catch {
        // gridPathCells fails only across pentagons/faces; none lie in a city, so skip the fill.
      }
    }
    this.path.push(entry(cell));
    this.lastCell = cell;
  }

  /** Adds driven distance to the current segment. */
  addDistance(m: number): void {
    this.distanceM += m;
  }

  /**
   * Cuts the segment recorded since the previous one into a `trip` event stamped `tMs`.
   * Returns undefined when nothing happened since the last segment (and the trip goes on).
   */
  takeSegment(tMs: number, final: boolean): TripEvent | undefined {
    if (this.closed) return undefined;
    if (!final && this.path.length === 0 && this.distanceM < 1) return undefined;
    // The segment's own position is the centre of the last cell entered: no finer than the path.
    const [lat, lng] = this.lastCell ? cellToLatLng(this.lastCell) : [0, 0];
    const event: TripEvent = {
      id: this.prng.uuid(),
      type: 'trip',
      ts: isoOf(tMs),
      lat: Math.round(lat * 1e6) / 1e6,
      lng: Math.round(lng * 1e6) / 1e6,
      tripId: this.tripId,
      seq: this.seq++,
      final,
      path: this.path,
      distanceM: Math.round(this.distanceM * 10) / 10,
    };
    this.path = [];
    this.distanceM = 0;
    if (final) this.closed = true;
    return event;
  }
}
