import { describe, expect, it } from 'vitest';
import { headingSector, sectorGroup } from './headingSector.ts';

describe('headingSector', () => {
  it('puts north-going traffic either side of 0° in one sector', () => {
    expect(headingSector(359)).toBe(0);
    expect(headingSector(10)).toBe(0);
  });

  it('separates opposite carriageways by four sectors', () => {
    expect(headingSector(90)).toBe(2);
    expect(headingSector(270)).toBe(6);
    expect(sectorGroup(2).has(6)).toBe(false);
  });

  it('marks a missing heading as x', () => {
    expect(headingSector(undefined)).toBe('x');
  });
});
