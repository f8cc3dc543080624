import type { Prng } from '../../lib/random/prng.ts';
import type { MountStyle } from './cameraModels.ts';

/** A rotation matrix, row-major: sensor = R · vehicle (vehicle frame x forward, y left, z up). */
export type Rotation = readonly [number, number, number, number, number, number, number, number, number];

const RAD = Math.PI / 180;

/**
 * A random mounting of a camera's IMU. Windscreen units: the board sits in the housing in one of
 * the 24 axis-aligned orientations (every vendor lays out its PCB differently), tilted by the
 * windscreen rake (20–35°) and a few degrees of yaw and roll from how the bracket was stuck on.
 * Phones in cradles: any orientation at all (uniform over rotations).
 */
export function mountRotation(style: MountStyle, prng: Prng): Rotation {
  if (style === 'cradle') return uniformRotation(prng);
  const board = AXIS_ALIGNED[prng.int(AXIS_ALIGNED.length)] as Rotation;
  const tilt = euler(prng.uniform(-8, 8) * RAD, prng.uniform(20, 35) * RAD, prng.uniform(-4, 4) * RAD);
  return multiply(board, tilt);
}

/** The 24 proper rotations that map axes onto axes. */
const AXIS_ALIGNED: readonly Rotation[] = (() => {
  const out: Rotation[] = [];
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const p of perms) {
    for (let signs = 0; signs < 8; signs++) {
      const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      for (let r = 0; r < 3; r++) m[r * 3 + (p[r] as number)] = signs & (1 << r) ? -1 : 1;
      if (Math.abs(det(m) - 1) < 1e-9) out.push(m as unknown as Rotation);
    }
  }
  return out;
})();

/** Yaw (about z), then pitch (about y), then roll (about x). */
function euler(yaw: number, pitch: number, roll: number): Rotation {
  const [cy, sy, cp, sp, cr, sr] = [
    Math.cos(yaw),
    Math.sin(yaw),
    Math.cos(pitch),
    Math.sin(pitch),
    Math.cos(roll),
    Math.sin(roll),
  ];
  return [
    cy * cp,
    cy * sp * sr - sy * cr,
    cy * sp * cr + sy * sr,
    sy * cp,
    sy * sp * sr + cy * cr,
    sy * sp * cr - cy * sr,
    -sp,
    cp * sr,
    cp * cr,
  ];
}

/** Uniform over rotations: a unit quaternion from four normals (Shoemake's method). */
function uniformRotation(prng: Prng): Rotation {
  const u1 = prng.next();
  const u2 = prng.next() * 2 * Math.PI;
  const u3 = prng.next() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const [w, x, y, z] = [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ];
}

/** p · q. */
export function multiply(p: Rotation, q: Rotation): Rotation {
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++)
        out[i * 3 + j] = (out[i * 3 + j] as number) + (p[i * 3 + k] as number) * (q[k * 3 + j] as number);
  return out as unknown as Rotation;
}

function det(m: readonly number[]): number {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}
