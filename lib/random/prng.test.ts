import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidSchema } from '../contract/primitives.ts';
import { createPrng, gaussian, uuidV4FromBytes } from './prng.ts';

describe('createPrng', () => {
  it('repeats the same stream for the same integer or string seed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string()), (seed) => {
        const a = createPrng(seed);
        const b = createPrng(seed);
        for (let i = 0; i < 5; i++) expect(a.next()).toBe(b.next());
      }),
    );
  });

  // Golden values: the streams the simulator (integer seeds) and the camera (string seeds) drew
  // before the two sfc32 copies were merged. Scenario benches and replay fixtures depend on them,
  // so a change here must be deliberate.
  it('keeps the integer-seed stream the simulations were tuned on', () => {
    const prng = createPrng(42);
    expect(prng.next()).toBe(0.051120100542902946);
    expect(prng.next()).toBe(0.23328471649438143);
    expect(prng.uuid()).toBe('09d3ef05-1606-4c27-8fbe-b2beaad40782');
  });

  it('keeps the string-seed stream cameras replay with', () => {
    const prng = createPrng('dashnet-replay');
    expect(prng.next()).toBe(0.725079063558951);
    expect(prng.next()).toBe(0.1487389705143869);
  });

  it('produces version-4 UUIDs the contract accepts', () => {
    const prng = createPrng(9);
    for (let i = 0; i < 200; i++) {
      const id = prng.uuid();
      expect(uuidSchema.safeParse(id).success).toBe(true);
      expect(id[14]).toBe('4');
    }
  });

  it('forks independently of how much the parent has consumed', () => {
    for (const seed of [5, 'camera-5']) {
      const a = createPrng(seed);
      const b = createPrng(seed);
      b.next();
      expect(a.fork('x').next()).toBe(b.fork('x').next());
      expect(a.fork('x').next()).not.toBe(a.fork('y').next());
    }
  });

  it('stays in [0, 1) with a uniform mean and variance', () => {
    for (const seed of [1, 'uniform']) {
      const prng = createPrng(seed);
      const n = 20_000;
      let sum = 0;
      let sumSq = 0;
      let outside = 0;
      for (let i = 0; i < n; i++) {
        const x = prng.next();
        if (!(x >= 0 && x < 1)) outside++;
        sum += x;
        sumSq += x * x;
      }
      expect(outside).toBe(0);
      const mean = sum / n;
      // Uniform [0,1): mean 1/2, variance 1/12; 5 standard errors of slack.
      expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.005);
    }
  });

  it('gives uncorrelated streams for neighbouring integer seeds', () => {
    const a = createPrng(1);
    const b = createPrng(2);
    const n = 5_000;
    let cov = 0;
    for (let i = 0; i < n; i++) cov += (a.next() - 0.5) * (b.next() - 0.5);
    // Correlation of independent uniforms: standard error 1/sqrt(n).
    expect(Math.abs((cov / n) * 12)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('refuses to pick from an empty array', () => {
    expect(() => createPrng(1).pick([])).toThrow(RangeError);
  });
});

describe('uuidV4FromBytes', () => {
  it('sets the version and variant bits over any bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), (bytes) => {
        const id = uuidV4FromBytes(bytes);
        expect(uuidSchema.safeParse(id).success).toBe(true);
        expect(id[14]).toBe('4');
        expect('89ab').toContain(id[19]);
      }),
    );
  });

  it('writes the canonical form', () => {
    expect(uuidV4FromBytes(new Array(16).fill(0))).toBe('00000000-0000-4000-8000-000000000000');
    expect(uuidV4FromBytes(new Array(16).fill(255))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('gaussian', () => {
  it('draws a standard normal: mean 0, variance 1, 95 % within 1.96', () => {
    const prng = createPrng('normal');
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const x = gaussian(prng);
      sum += x;
      sumSq += x * x;
      if (Math.abs(x) < 1.96) inside++;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    // Var of the sample variance of a normal is 2/n.
    expect(Math.abs(sumSq / n - mean * mean - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(inside / n - 0.95)).toBeLessThan(5 * Math.sqrt((0.95 * 0.05) / n));
  });

  it('consumes exactly two uniforms per draw, so streams stay aligned', () => {
    const a = createPrng(3);
    const b = createPrng(3);
    gaussian(a);
    b.next();
    b.next();
    expect(a.next()).toBe(b.next());
  });
});
