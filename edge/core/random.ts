/** The only source of randomness in `edge/`: ids, zone offsets, trims and backoff jitter. */
export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
}

/**
 * A seeded PRNG (sfc32, seeded through the cyrb128 string hash). Used for replay and tests so
 * that the same log and seed give byte-identical payloads on Node and inside QuickJS: it uses only
 * 32-bit integer arithmetic, which every engine evaluates identically.
 *
 * @example const rnd = createSeededRandom('dashnet-replay'); rnd.next(); // 0.52…
 */
export function createSeededRandom(seed: string): Random {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  let a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
  let b = (h2 ^ h1) >>> 0;
  let c = (h3 ^ h1) >>> 0;
  let d = (h4 ^ h1) >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: sfc32 mixes poorly in its first dozen steps.
  for (let i = 0; i < 15; i++) next();
  return { next };
}

const HEX = '0123456789abcdef';

/** A version-4 UUID drawn from `random` (RFC 9562 §5.4: version nibble 4, variant bits 10). */
export function randomUuid(random: Random): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    let byte = Math.floor(random.next() * 256) & 0xff;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX.charAt(byte >> 4) + HEX.charAt(byte & 0x0f);
  }
  return out;
}

/** A uniform float in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random.next();
}
