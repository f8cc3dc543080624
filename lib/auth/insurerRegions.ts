import { type BBox, bboxContains } from '../geo/bbox.ts';

/**
 * An insurer's regions as its credential stores them: `[minLng, minLat, maxLng, maxLat]` boxes
 * (see `POST /v1/insurers`). Undefined or empty means the operator set no boundary.
 */
export type InsurerRegions = readonly (readonly number[])[] | undefined;

function asBox(r: readonly number[]): BBox | undefined {
  const [minLng, minLat, maxLng, maxLat] = r;
  if (minLng === undefined || minLat === undefined || maxLng === undefined || maxLat === undefined)
    return undefined;
  return { minLng, minLat, maxLng, maxLat };
}

/**
 * Whether an insurer may query the area `box`: it must lie wholly inside one of the insurer's
 * regions. A box straddling a region's edge is refused rather than clipped: clipping would
 * answer a different question than the one asked, and the caller can always ask for the part
 * inside. An insurer without regions is unrestricted (k-anonymity still applies to every
 * answer); a stored region that is not a four-number box admits nothing.
 *
 * @example regionsAdmitBox([[-80.1, 40.3, -79.8, 40.6]], { minLng: -80, minLat: 40.4, maxLng: -79.9, maxLat: 40.5 }) // true
 */
export function regionsAdmitBox(regions: InsurerRegions, box: BBox): boolean {
  if (!regions || regions.length === 0) return true;
  return regions.some((r) => {
    const b = asBox(r);
    return (
      b !== undefined &&
      box.minLng >= b.minLng &&
      box.maxLng <= b.maxLng &&
      box.minLat >= b.minLat &&
      box.maxLat <= b.maxLat
    );
  });
}

/** Whether an insurer may ask about the point (speed-check): inside one of its regions, or no regions set. */
export function regionsAdmitPoint(regions: InsurerRegions, lat: number, lng: number): boolean {
  if (!regions || regions.length === 0) return true;
  return regions.some((r) => {
    const b = asBox(r);
    return b !== undefined && bboxContains(b, lat, lng);
  });
}
