import type { ImuSample } from '../sensors/samples.ts';
import type { Vec3 } from '../sensors/vec3.ts';

const G = 9.80665;

/** A road shock to add to a recording: what it is, when the wheel meets it, how hard. */
export interface RoadShock {
  kind: 'pothole' | 'bump';
  tMs: number;
  /** Peak of the dominant lobe, m/s² (the strike of a pothole, the landing of a bump). */
  ampMps2: number;
}

/**
 * Vertical specific force (m/s², gravity removed) of a shock `tS` seconds after it starts,
 * shaped after the labelled clips of Gonzalez et al. (IEEE T-ITS 2017): a pothole is a short
 * dip (the wheel drops, ~0.1 s) followed by a larger strike on the far edge that rings at the
 * body's ~2 Hz; a bump lifts the car for ~0.5 s (a hump) and then lands harder than it rose.
 * A pothole's swing is therefore up-dominated and short, a bump's long and down-dominated.
 */
export function shockVertMps2(kind: RoadShock['kind'], ampMps2: number, tS: number): number {
  if (tS < 0) return 0;
  if (kind === 'pothole') {
    if (tS < 0.1) return -0.35 * ampMps2 * Math.sin((Math.PI * tS) / 0.1);
    const u = tS - 0.1;
    return u < 1 ? ampMps2 * Math.sin(2 * Math.PI * 2 * u) * Math.exp(-u / 0.25) : 0;
  }
  if (tS < 0.5) return 0.5 * ampMps2 * Math.sin((Math.PI * tS) / 0.5);
  const u = tS - 0.5;
  return u < 1 ? -ampMps2 * Math.sin(2 * Math.PI * 2 * u) * Math.exp(-u / 0.25) : 0;
}

/** A typical shock amplitude: 0.9 g, the median pothole strike of the labelled clips. */
export const TYPICAL_SHOCK_MPS2 = 0.9 * G;

/**
 * Adds shocks along the sensor's "up" to recorded samples (new array; the input is kept).
 * "Up" is taken from the mean specific force of the first samples, which must be at rest, so
 * any mounting works without knowing the rotation.
 */
export function addShocks(
  imu: readonly ImuSample[],
  shocks: readonly RoadShock[],
  restSamples = 20,
): ImuSample[] {
  const up = restUp(imu.slice(0, restSamples));
  return imu.map((s) => {
    let v = 0;
    for (const k of shocks) v += shockVertMps2(k.kind, k.ampMps2, (s.tMs - k.tMs) / 1000);
    if (v === 0) return s;
    return { ...s, ax: s.ax + v * up[0], ay: s.ay + v * up[1], az: s.az + v * up[2] };
  });
}

function restUp(samples: readonly ImuSample[]): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const s of samples) {
    x += s.ax;
    y += s.ay;
    z += s.az;
  }
  const n = Math.sqrt(x * x + y * y + z * z) || 1;
  return [x / n, y / n, z / n];
}
