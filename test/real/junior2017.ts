import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImuSample } from '../../edge/sensors/samples.ts';
import { realDataset } from './realDataRoot.ts';

/** Ferreira Júnior et al. 2017 (PLoS ONE 12(4): e0174959): labelled manoeuvres, windshield phone. */
export const JUNIOR_DATASET = 'driving-events-junior2017';

/** A labelled manoeuvre, in seconds since the trip's first sample. */
export interface Manoeuvre {
  kind: 'hard_brake' | 'hard_accel' | 'turn_right' | 'turn_left' | 'lane_change' | 'normal';
  startS: number;
  endS: number;
}

/** One trip: IMU in a vehicle-fixed frame (x, y horizontal at an unknown yaw; z up), labels. */
export interface JuniorTrip {
  trip: string;
  /** Epoch ms of t = 0 (labels are relative to it). */
  t0Ms: number;
  imu: ImuSample[];
  labels: Manoeuvre[];
}

const KINDS: Record<string, Manoeuvre['kind']> = {
  freada_agressiva: 'hard_brake',
  aceleracao_agressiva: 'hard_accel',
  curva_direita_agressiva: 'turn_right',
  curva_esquerda_agressiva: 'turn_left',
  troca_faixa_direita_agressiva: 'lane_change',
  troca_faixa_esquerda_agressiva: 'lane_change',
  evento_nao_agressivo: 'normal',
};

/** The data set folder, or `undefined` when the real recordings are absent. */
export function juniorRoot(): string | undefined {
  return realDataset(JUNIOR_DATASET);
}

/** The trip folders (17, 20, 21). */
export function juniorTrips(root: string): string[] {
  return ['17', '20', '21'].filter((t) => existsSync(join(root, t)));
}

function readRows(path: string): number[][] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').slice(1).map(Number));
}

/**
 * Reads one trip. The authors rotated every sample into the Earth frame (z up, x/y fixed to the
 * ground), so a car's turn rotates its horizontal axes there. A camera is fixed to the car: the
 * samples are turned back into a car-fixed frame by integrating yaw (gyro z, less the bias seen
 * while parked), which leaves one unknown constant yaw — the kind of mounting the camera must
 * learn. Accelerometer and gyroscope rows pair by index (their clocks differ by a few ms).
 */
export function loadJuniorTrip(root: string, trip: string): JuniorTrip {
  const dir = join(root, trip);
  const meta = JSON.parse(readFileSync(join(dir, 'viagem.json'), 'utf8')) as {
    firstCollectionUptimeNanos: number;
  };
  const acc = readRows(join(dir, 'acelerometro_terra.csv.gz'));
  const gyro = readRows(join(dir, 'giroscopio_terra.csv.gz'));
  const first = meta.firstCollectionUptimeNanos;
  const t0Ms = Date.UTC(2016, 4, 14);
  const n = Math.min(acc.length, gyro.length);
  const bias = parkedYawBias(acc, gyro, n);
  const imu: ImuSample[] = [];
  let yaw = 0;
  let lastS: number | undefined;
  for (let i = 0; i < n; i++) {
    const [tNs, ax, ay, az] = acc[i] as [number, number, number, number];
    const [, gx, gy, gz] = gyro[i] as [number, number, number, number];
    const tS = (tNs - first) / 1e9;
    if (lastS !== undefined && tS <= lastS) continue;
    if (lastS !== undefined) yaw += (gz - bias) * (tS - lastS);
    lastS = tS;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    // Rotate Earth-frame vectors by −yaw about z: the car's frame up to a constant.
    imu.push({
      tMs: t0Ms + Math.round(tS * 1000),
      ax: c * ax + s * ay,
      ay: -s * ax + c * ay,
      az,
      gx: c * gx + s * gy,
      gy: -s * gx + c * gy,
      gz,
    });
  }
  return { trip, t0Ms, imu, labels: readLabels(join(dir, 'groundTruth.csv')) };
}

/** Mean gyro z over stretches where the accelerometer is still (the car parked), else 0. */
function parkedYawBias(acc: number[][], gyro: number[][], n: number): number {
  const W = 50;
  let sum = 0;
  let count = 0;
  for (let i = W; i + W < n; i += 10) {
    let m = 0;
    let m2 = 0;
    for (let k = i - W; k < i + W; k++) {
      const [, x, y, z] = acc[k] as number[];
      const mag = Math.hypot(x as number, y as number, z as number);
      m += mag;
      m2 += mag * mag;
    }
    m /= 2 * W;
    const sd = Math.sqrt(Math.max(0, m2 / (2 * W) - m * m));
    if (sd < 0.05) {
      sum += (gyro[i] as number[])[3] as number;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

function readLabels(path: string): Manoeuvre[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map((c) => c.trim()))
    .map(([name, start, end]) => ({
      kind: KINDS[name ?? ''] ?? 'normal',
      startS: Number(start),
      endS: Number(end),
    }))
    .sort((a, b) => a.startS - b.startS);
}
