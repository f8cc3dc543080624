import { createSeededRandom } from '../../edge/core/random.ts';
import type { ImuSample } from '../../edge/sensors/samples.ts';
import type { Vec3 } from '../../edge/sensors/vec3.ts';

/** A rotation matrix, rows first: v_sensor = R · v_vehicle. */
export type Rotation = [Vec3, Vec3, Vec3];

/**
 * Uniformly random rotations (Shoemake's quaternion method), seeded: any mounting at all,
 * including upside down and sideways, which is harder than any real windshield or cradle.
 */
export function randomMounts(count: number, seed: string): Rotation[] {
  const rnd = createSeededRandom(seed);
  const out: Rotation[] = [];
  for (let i = 0; i < count; i++) {
    const u1 = rnd.next();
    const u2 = rnd.next() * 2 * Math.PI;
    const u3 = rnd.next() * 2 * Math.PI;
    const a = Math.sqrt(1 - u1);
    const b = Math.sqrt(u1);
    out.push(fromQuaternion(a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)));
  }
  return out;
}

function fromQuaternion(x: number, y: number, z: number, w: number): Rotation {
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
  ];
}

/** R · v. */
export function rotate(r: Rotation, v: Vec3): Vec3 {
  return [
    r[0][0] * v[0] + r[0][1] * v[1] + r[0][2] * v[2],
    r[1][0] * v[0] + r[1][1] * v[1] + r[1][2] * v[2],
    r[2][0] * v[0] + r[2][1] * v[1] + r[2][2] * v[2],
  ];
}

/** The samples as a sensor mounted with rotation `r` would have measured them. */
export function mountImu(samples: readonly ImuSample[], r: Rotation): ImuSample[] {
  return samples.map((s) => {
    const [ax, ay, az] = rotate(r, [s.ax, s.ay, s.az]);
    const out: ImuSample = { tMs: s.tMs, ax, ay, az };
    if (s.gx !== undefined) {
      const [gx, gy, gz] = rotate(r, [s.gx, s.gy ?? 0, s.gz ?? 0]);
      out.gx = gx;
      out.gy = gy;
      out.gz = gz;
    }
    return out;
  });
}

/**
 * Keeps one sample per `periodMs`: a slower sensor read as a snapshot, the way phone apps and
 * many cameras poll the latest reading (the CMU iPhone drives were logged so), with no
 * anti-alias filter — the harder case for spike and manoeuvre detectors.
 */
export function decimateImu(samples: readonly ImuSample[], periodMs: number): ImuSample[] {
  const out: ImuSample[] = [];
  let nextMs = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (s.tMs < nextMs) continue;
    out.push(s);
    nextMs = (nextMs === Number.NEGATIVE_INFINITY ? s.tMs : nextMs) + periodMs;
    if (nextMs <= s.tMs) nextMs = s.tMs + periodMs;
  }
  return out;
}

/** The samples without their gyro (cameras without one). */
export function withoutGyro(samples: readonly ImuSample[]): ImuSample[] {
  return samples.map(({ tMs, ax, ay, az }) => ({ tMs, ax, ay, az }));
}
