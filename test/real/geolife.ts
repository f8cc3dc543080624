import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GpsFix } from '../../edge/sensors/samples.ts';

/** The GeoLife users in `../shared/data/real/geolife-dev-users/` (see its SOURCE.txt). */
export const GEOLIFE_USERS = ['005', '071', '073', '078', '112'] as const;

/** The data set's folder name under the real-data root. */
export const GEOLIFE_DATASET = 'geolife-dev-users';

/** One user's recording: fixes in time order, and the trajectory (GeoLife `.plt` file) of each. */
export interface GeolifeUser {
  user: string;
  fixes: GpsFix[];
  /** `trajIds[i]` is the `.plt` stem of `fixes[i]`: a change marks a gap in the recording. */
  trajIds: string[];
}

/**
 * Loads one GeoLife user's `points.csv.gz` as camera GPS fixes. GeoLife has no speed or
 * heading, so they are left out and the camera derives them, as it would for a receiver that
 * omits them. Rows repeated with the same time (user 078, 112 in the source) and rows that go
 * back in time are dropped: a receiver emits one fix per instant.
 *
 * @param dir the `geolife-dev-users` folder (from `realDataset`)
 */
export function loadGeolifeUser(dir: string, user: string): GeolifeUser {
  const text = gunzipSync(readFileSync(join(dir, user, 'points.csv.gz'))).toString('utf8');
  const fixes: GpsFix[] = [];
  const trajIds: string[] = [];
  let lastMs = Number.NEGATIVE_INFINITY;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const [trajId, lat, lng, , date, time] = line.split(',');
    if (!trajId || !lat || !lng || !date || !time) continue;
    const tMs = Date.parse(`${date}T${time}Z`);
    if (!Number.isFinite(tMs) || tMs <= lastMs) continue;
    lastMs = tMs;
    fixes.push({ tMs, lat: Number(lat), lng: Number(lng) });
    trajIds.push(trajId);
  }
  return { user, fixes, trajIds };
}
