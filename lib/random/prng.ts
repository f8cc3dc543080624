/**
 * dashnet's one seeded pseudo-random number generator, shared by the camera (`edge/core/random.ts`
 * hands it out as the platform's `Random`), the cloud's pure simulations (`lib/ota/rolloutSim.ts`),
 * the fleet simulator (`sim/`), the fault proxy and the benches. A simulation or a replay is then a
 * pure function of its seed.
 *
 * It imports nothing and uses only 32-bit integer arithmetic (`Math.imul`, shifts), which every
 * engine evaluates identically: the camera runs it unmodified inside QuickJS and gets the same
 * stream as Node.
 */

/**
 * A seeded generator: uniform floats plus the few distributions the simulations draw from.
 * Structurally a superset of the camera's `Random` (`edge/core/random.ts`), so a `Prng` can be
 * handed wherever a `Random` is expected.
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

/** 2^32: turns a 32-bit unsigned draw into a float in [0, 1). */
const UINT32_RANGE = 4294967296;

/**
 * The sfc32 core (Chris Doty-Humphrey's "small fast chaotic" generator: 128-bit state, passes
 * PractRand to 2^40 bytes), in its original form where the counter is added before it is
 * incremented. Returns a function drawing 32-bit unsigned integers.
 */
function sfc32(a0: number, b0: number, c0: number, d0: number): () => number {
  let a = a0 >>> 0;
  let b = b0 >>> 0;
  let c = c0 >>> 0;
  let d = d0 >>> 0;
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
}

/** 32-bit FNV-1a of `text`, offset by `seed`: mixes integer seeds and fork labels into a state. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** cyrb128: a 128-bit string hash, so that any text (a device id, a replay name) can seed. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/**
 * The sfc32 state a seed starts from, and how many warm-up draws to discard (sfc32 diffuses a
 * fresh seed poorly over its first dozen steps). Integer and string seeds are hashed differently
 * only because both seedings predate this module and pinned streams (bench scenarios, replay
 * fixtures, camera tests) depend on them; the generator behind both is the same.
 */
function seedState(seed: number | string): { state: [number, number, number, number]; warmUp: number } {
  if (typeof seed === 'number') {
    return {
      state: [fnv1a('a', seed), fnv1a('b', seed), fnv1a('c', seed), (seed ^ 0x9e3779b9) >>> 0],
      warmUp: 12,
    };
  }
  const [a, b, c, d] = cyrb128(seed);
  // The string seeding was written against the sfc32 variant that increments the counter before
  // adding it; starting the counter one higher gives exactly that stream from the original core.
  return { state: [a, b, c, (d + 1) >>> 0], warmUp: 15 };
}

/**
 * A standard normal draw (Box–Muller, cosine branch) from any uniform source — a {@link Prng}
 * or the camera's `Random`. Takes exactly two uniforms, so a stream stays aligned however many
 * normals are drawn; the first is floored at 1e-12 so that `log` never sees zero.
 *
 * @example const noiseMps2 = 0.05 * gaussian(prng);
 */
export function gaussian(random: { next(): number }): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Formats 16 bytes as an RFC 9562 version-4 UUID: sets the version nibble (4) and the variant
 * bits (10), then writes the canonical 8-4-4-4-12 lowercase hex form. Bytes are taken modulo 256.
 *
 * @example uuidV4FromBytes(new Array(16).fill(0)); // '00000000-0000-4000-8000-000000000000'
 */
export function uuidV4FromBytes(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    let byte = (bytes[i] ?? 0) & 0xff;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[byte] as string;
  }
  return out;
}

/**
 * Creates a generator from a seed: an integer (simulations: seeds 1, 2, 3 give uncorrelated
 * streams) or a string (the camera: a device id or replay name). The same seed always gives the
 * same stream, on every engine.
 *
 * @example
 * const prng = createPrng(42);
 * prng.uuid(); // always the same for seed 42
 * createPrng('dashnet-replay').next(); // the camera's replay stream
 */
export function createPrng(seed: number | string): Prng {
  const { state, warmUp } = seedState(seed);
  const raw = sfc32(...state);
  for (let i = 0; i < warmUp; i++) raw();
  const next = (): number => raw() / UINT32_RANGE;
  const forkBase = typeof seed === 'number' ? seed : fnv1a(seed, 0);
  return {
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
      return uuidV4FromBytes(bytes);
    },
    fork: (label) => createPrng(fnv1a(label, forkBase)),
  };
}
