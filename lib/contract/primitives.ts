import { z } from 'zod';

/**
 * Primitive schemas of contract v1 (../shared/API.md): RFC 3339 UTC times, WGS84 degrees,
 * headings clockwise from north in [0, 360), SI units.
 */
export const timestampSchema = z.iso.datetime({ offset: false });
export const latitudeSchema = z.number().min(-90).max(90);
export const longitudeSchema = z.number().min(-180).max(180);
export const headingSchema = z.number().min(0).lt(360);
export const speedMpsSchema = z.number().min(0).max(100);
export const unitIntervalSchema = z.number().min(0).max(1);
export const uuidSchema = z.uuid();
/** An H3 index as its 15-hex-digit string. The resolution is checked where it matters. */
export const h3CellSchema = z.string().regex(/^[0-9a-f]{15}$/, 'an H3 index (15 lowercase hex digits)');
