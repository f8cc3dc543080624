/**
 * A seeded pseudo-random number generator, so that a simulation is a pure function of its seed:
 * the same seed drives the same fleet, the same incidents and the same event ids.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Exponentially distributed with the given mean (waiting times of a Poisson process). */
  exponential(mean: number): number;
  /** A random (version 4) UUID built from this generator's stream. */
  uuid(): string;
  /**
   * An independent generator derived from this one's seed and a label. Forking consumes nothing,
   * so adding a consumer never shifts the streams of the others.
   */
  fork(label: string): Prng;
}

/** 32-bit FNV-1a, used only to mix labels into fork seeds. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Creates a generator from an integer seed. The core is sfc32 (small, fast, passes PractRand
 * to 2^40 bytes), seeded through splitmix-style mixing so that seeds 1, 2, 3 are uncorrelated.
 *
 * @example
 * const prng = createPrng(42);
 * prng.uuid(); // always the same for seed 42
 */
export function createPrng(seed: number): Prng {
  let a = fnv1a('a', seed);
  let b = fnv1a('b', seed);
  let c = fnv1a('c', seed);
  let d = (seed ^ 0x9e3779b9) >>> 0;
  const raw = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 needs a few rounds to diffuse its seed.
  for (let i = 0; i < 12; i++) raw();
  const next = (): number => raw() / 4294967296;
  const prng: Prng = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    uuid: () => {
      const bytes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = raw();
        bytes.push(r & 0xff, (r >>> 8) & 0xff, (r >>> 16) & 0xff, (r >>> 24) & 0xff);
      }
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
      const h = bytes.map((x) => HEX[x] as string).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    fork: (label) => createPrng(fnv1a(label, seed)),
  };
  return prng;
}
