/**
 * Direction of travel, coarsened to one of eight 45° sectors (0 = north-ish, 2 = east-ish…),
 * or 'x' when the event carried no heading. Hazards are kept per direction so that drivers
 * on the other carriageway, 180° = four sectors away, are not alerted.
 */
export type HeadingSector = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 'x';

export const SECTOR_COUNT = 8;
const SECTOR_DEG = 360 / SECTOR_COUNT;

/** The sector a heading falls in; sector k is centred on k × 45°. */
export function headingSector(headingDeg: number | undefined): HeadingSector {
  if (headingDeg === undefined || !Number.isFinite(headingDeg)) return 'x';
  const normalised = ((headingDeg % 360) + 360) % 360;
  return (Math.round(normalised / SECTOR_DEG) % SECTOR_COUNT) as HeadingSector;
}

/** Centre heading of a sector, in degrees; undefined for 'x'. */
export function sectorHeading(sector: HeadingSector): number | undefined {
  return sector === 'x' ? undefined : sector * SECTOR_DEG;
}

/**
 * Sectors whose evidence counts together with `sector`: itself and both neighbours (a lane
 * change or a bend moves a heading by more than half a sector), plus headingless evidence.
 * For 'x' every sector counts: the hazard then has no direction.
 */
export function sectorGroup(sector: HeadingSector): ReadonlySet<HeadingSector> {
  if (sector === 'x') return new Set<HeadingSector>([0, 1, 2, 3, 4, 5, 6, 7, 'x']);
  const s = sector as number;
  return new Set<HeadingSector>([
    s as HeadingSector,
    ((s + 1) % SECTOR_COUNT) as HeadingSector,
    ((s + SECTOR_COUNT - 1) % SECTOR_COUNT) as HeadingSector,
    'x',
  ]);
}

/** Parses a sector written by `String(sector)`. */
export function parseSector(s: string): HeadingSector {
  if (s === 'x') return 'x';
  const n = Number(s);
  if (Number.isInteger(n) && n >= 0 && n < SECTOR_COUNT) return n as HeadingSector;
  throw new RangeError(`not a heading sector: ${s}`);
}
