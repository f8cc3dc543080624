import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedTables, startEmulatedTables } from '../../test/emulatedTables.ts';
import { RateLimiter } from './rateLimiter.ts';

describe('RateLimiter.exhausted, shared by containers', () => {
  let tables: EmulatedTables;
  const limits = {
    device: { limit: 5, windowS: 60 },
    insurer: { limit: 5, windowS: 60 },
    authFailure: { limit: 3, windowS: 60 },
  };
  // A window that starts at a known time, so every step below stays inside it.
  const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);

  beforeAll(async () => {
    tables = await startEmulatedTables('ratelimit');
  });
  afterAll(() => tables?.close());

  it('locks out at once where the lockout was decided, and within five seconds elsewhere', async () => {
    const here = new RateLimiter(tables.clients.ddb, tables.names.rateLimitsTable, limits);
    const there = new RateLimiter(tables.clients.ddb, tables.names.rateLimitsTable, limits);
    expect(await there.exhausted('authFailure', 'src-a', t0)).toEqual({ allowed: true });
    for (let i = 0; i < 3; i++) expect((await here.hit('authFailure', 'src-a', t0 + 100)).allowed).toBe(true);
    // `here` learns of the exhausted window from its own refused hit, without a read.
    expect((await here.hit('authFailure', 'src-a', t0 + 200)).allowed).toBe(false);
    expect(await here.exhausted('authFailure', 'src-a', t0 + 300)).toEqual({
      allowed: false,
      retryAfterS: 60,
    });
    // `there` read the counter before the failures: it trusts that read for five seconds only.
    expect((await there.exhausted('authFailure', 'src-a', t0 + 4_000)).allowed).toBe(true);
    expect(await there.exhausted('authFailure', 'src-a', t0 + 5_100)).toEqual({
      allowed: false,
      retryAfterS: 55,
    });
    // Another source is not affected, and a new window starts clean.
    expect((await there.exhausted('authFailure', 'src-b', t0 + 5_200)).allowed).toBe(true);
    expect((await here.exhausted('authFailure', 'src-a', t0 + 60_000)).allowed).toBe(true);
  });
});
