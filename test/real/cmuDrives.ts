import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import { realDataset } from './realDataRoot.ts';

/** The CMU iPhone drives (Bhatt, Mani, Xi, Kolter 2017), read from `../shared/data/real/`. */
export const CMU_DATASET = 'cmu-phone-drives';

const G_MPS2 = 9.80665;
/** The 1 Hz files count seconds from the recording's start; any fixed epoch places them. */
const RELATIVE_EPOCH_MS = Date.UTC(2017, 1, 22, 17, 0, 0);

/** One manifest row of the data set. */
export interface CmuFile {
  /** Path inside the data set folder (e.g. `Routes/r1_sensors.csv`). */
  file: string;
  rateHz: number;
  hasGyro: boolean;
  label: string;
}

/** A drive converted to what the camera reads: GPS fixes and IMU samples in the API's units. */
export interface CmuDrive {
  file: string;
  gps: GpsFix[];
  imu: ImuSample[];
  /** Passenger pothole presses (sensor epoch ms), when the drive has a `*_potholes.csv`. */
  potholePressesMs: number[];
}

/** The data set folder, or `undefined` when the real recordings are absent. */
export function cmuRoot(): string | undefined {
  return realDataset(CMU_DATASET);
}

/** The sensor files listed in `manifest.csv`. */
export function cmuFiles(root: string): CmuFile[] {
  const lines = readFileSync(join(root, 'manifest.csv'), 'utf8').trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const col = (name: string) => header.indexOf(name);
  return lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c[col('kind')] === 'sensors')
    .map((c) => ({
      file: c[col('file')] ?? '',
      rateHz: Number(c[col('rate_hz')]),
      hasGyro: c[col('has_gyro')] === 'yes',
      label: c.slice(col('label')).join(','),
    }));
}

function readText(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/**
 * Reads one drive. Conversions at this boundary: accelerations from g to m/s², and from iOS's
 * sign (−1 g along "up" at rest) to the contract's specific force (+9.81 along "up"); rows with
 * no reading yet (−100) dropped; GPS speed −1 (invalid) left empty; a fix is emitted when the
 * logged position or speed changes (the app repeats the last fix on every 5 Hz row). Timing
 * comes from the timestamps, except where whole seconds repeat (then row index / rate).
 */
export function loadCmuDrive(root: string, file: string): CmuDrive {
  const lines = readText(join(root, file)).trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const idx = (name: string) => header.indexOf(name);
  const [it, ilat, ilng, ispeed, iax, iay, iaz, igx, igy, igz] = [
    'timestamp',
    'latitude',
    'longitude',
    'speed',
    'accelerometerX',
    'accelerometerY',
    'accelerometerZ',
    'gyroX',
    'gyroY',
    'gyroZ',
  ].map(idx) as number[];
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const ts = rows.map((r) => r[it as number] as number);
  const relative = (ts[0] ?? 0) < 1e9;
  const rateHz = estimateRateHz(ts);
  const wholeSecondsRepeat =
    ts.length > 10 && ts.slice(0, 50).every((t) => Number.isInteger(t)) && rateHz > 1.5;
  const t0 = ts[0] ?? 0;
  const timeMs = (i: number): number => {
    const base = relative ? RELATIVE_EPOCH_MS : 0;
    if (wholeSecondsRepeat) return Math.round(base + t0 * 1000 + (i * 1000) / rateHz);
    return Math.round(base + (ts[i] as number) * 1000);
  };

  const gps: GpsFix[] = [];
  const imu: ImuSample[] = [];
  let lastKey = '';
  let lastImuMs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number[];
    const tMs = timeMs(i);
    const lat = r[ilat as number] as number;
    const lng = r[ilng as number] as number;
    const speed = r[ispeed as number] as number;
    const key = `${lat},${lng},${speed}`;
    if (key !== lastKey && Number.isFinite(lat) && Number.isFinite(lng)) {
      lastKey = key;
      const fix: GpsFix = { tMs, lat, lng };
      if (Number.isFinite(speed) && speed >= 0) fix.speedMps = speed;
      gps.push(fix);
    }
    const ax = r[iax as number] as number;
    if (!Number.isFinite(ax) || ax === -100 || tMs <= lastImuMs) continue;
    lastImuMs = tMs;
    const s: ImuSample = {
      tMs,
      ax: -ax * G_MPS2,
      ay: -(r[iay as number] as number) * G_MPS2,
      az: -(r[iaz as number] as number) * G_MPS2,
    };
    const gx = igx === undefined || igx < 0 ? undefined : r[igx];
    if (gx !== undefined && gx !== -100) {
      s.gx = gx;
      s.gy = r[igy as number] as number;
      s.gz = r[igz as number] as number;
    }
    imu.push(s);
  }
  return { file, gps, imu, potholePressesMs: readPresses(root, file, relative, t0) };
}

function readPresses(root: string, file: string, relative: boolean, t0: number): number[] {
  const pressFile = file.replace(/_sensors\.csv(\.gz)?$/, '_potholes.csv');
  if (pressFile === file) return [];
  let text: string;
  try {
    text = readText(join(root, pressFile));
  } catch {
    return [];
  }
  void t0;
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.trim()))
    .filter(Number.isFinite)
    .map((t) => Math.round((relative ? RELATIVE_EPOCH_MS : 0) + t * 1000));
}

function estimateRateHz(ts: number[]): number {
  const span = (ts.at(-1) ?? 0) - (ts[0] ?? 0);
  return span > 0 ? (ts.length - 1) / span : 1;
}
