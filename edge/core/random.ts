import { createPrng, uuidV4FromBytes } from '../../lib/random/prng.ts';

/** The only source of randomness in `edge/`: ids, zone offsets, trims and backoff jitter. */
export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
}

/**
 * A seeded {@link Random} for replay and tests: the project's one generator (sfc32,
 * `lib/random/prng.ts`) seeded from a string, so that the same log and seed give byte-identical
 * payloads on Node and inside QuickJS (it uses only 32-bit integer arithmetic, which every engine
 * evaluates identically). Production cameras are handed an unpredictable source instead
 * (`cryptoRandom()` in `edge/adapters/node.ts`, the host's on a camera).
 *
 * @example const rnd = createSeededRandom('dashnet-replay'); rnd.next(); // 0.72…
 */
export function createSeededRandom(seed: string): Random {
  const prng = createPrng(seed);
  return { next: prng.next };
}

/** A version-4 UUID drawn from `random` (RFC 9562 §5.4: version nibble 4, variant bits 10). */
export function randomUuid(random: Random): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(random.next() * 256));
  return uuidV4FromBytes(bytes);
}

/** A uniform float in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random.next();
}
