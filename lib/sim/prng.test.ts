import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidSchema } from '../contract/primitives.ts';
import { createPrng } from './prng.ts';

describe('prng', () => {
  it('repeats the same stream for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = createPrng(seed);
        const b = createPrng(seed);
        for (let i = 0; i < 5; i++) expect(a.next()).toBe(b.next());
      }),
    );
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
    const a = createPrng(5);
    const b = createPrng(5);
    b.next();
    expect(a.fork('x').next()).toBe(b.fork('x').next());
    expect(a.fork('x').next()).not.toBe(a.fork('y').next());
  });

  it('stays in [0, 1)', () => {
    const prng = createPrng(1);
    for (let i = 0; i < 10_000; i++) {
      const x = prng.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
