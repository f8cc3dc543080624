import { describe, expect, it } from 'vitest';
import { createSeededRandom, randomUuid } from './random.ts';

describe('random', () => {
  it('draws version-4 UUIDs', () => {
    const r = createSeededRandom('u');
    for (let i = 0; i < 100; i++) {
      expect(randomUuid(r)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('repeats its sequence for the same seed and differs for another', () => {
    const a = createSeededRandom('s');
    const b = createSeededRandom('s');
    const c = createSeededRandom('t');
    const xs = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
  });
});
