/** A 3-vector as a tuple; small and allocation-light enough for 200 Hz on QuickJS. */
export type Vec3 = [number, number, number];

/** Dot product. */
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Cross product a × b. */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Euclidean length. */
export function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}

/** `a` scaled to unit length, or `undefined` for a (near) zero vector. */
export function normalize(a: Vec3): Vec3 | undefined {
  const n = norm(a);
  if (n < 1e-9) return undefined;
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** The component of `a` orthogonal to the unit vector `u`. */
export function reject(a: Vec3, u: Vec3): Vec3 {
  const k = dot(a, u);
  return [a[0] - k * u[0], a[1] - k * u[1], a[2] - k * u[2]];
}
