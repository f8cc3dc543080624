import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GpsFix } from '../../edge/sensors/samples.ts';

/** The data set's folder name under the real-data root (see its SOURCE.txt). */
export const CMU_DATASET = 'cmu-phone-drives';

/** The five consecutive pothole laps of 2017-04-19 (`Routes/r1..r5`). */
export const CMU_ROUTES = ['r1', 'r2', 'r3', 'r4', 'r5'] as const;

/**
 * The GPS of one CMU route as camera fixes. The app logs the latest CoreLocation fix at 5 Hz,
 * so a fix repeats over ~5 rows: only rows where the position changes are kept (a receiver
 * reports each fix once). Speed -1 means invalid and is left for the camera to derive.
 *
 * @param dir the `cmu-phone-drives` folder (from `realDataset`)
 */
export function loadCmuRoute(dir: string, route: string): GpsFix[] {
  const base = join(dir, 'Routes', `${route}_sensors.csv`);
  const text = existsSync(base)
    ? readFileSync(base, 'utf8')
    : gunzipSync(readFileSync(`${base}.gz`)).toString('utf8');
  const out: GpsFix[] = [];
  let lastKey = '';
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [t, lat, lng, speed] = line.split(',');
    if (!t || !lat || !lng) continue;
    const key = `${lat},${lng}`;
    const tMs = Math.round(Number(t) * 1000);
    if (key === lastKey || !Number.isFinite(tMs) || tMs <= lastMs) continue;
    lastKey = key;
    lastMs = tMs;
    const speedMps = Number(speed);
    const fix: GpsFix = { tMs, lat: Number(lat), lng: Number(lng) };
    if (speed !== undefined && speed !== '' && Number.isFinite(speedMps) && speedMps >= 0)
      fix.speedMps = speedMps;
    out.push(fix);
  }
  return out;
}
