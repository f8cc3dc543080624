import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type DayKeySource, dayKeyName, devicePseudonymsByDay, utcDaysTouched } from './dayPseudonyms.ts';
import { pseudonymOf } from './pseudonym.ts';

const hmac = (key: string, data: string) => createHmac('sha256', key).update(data).digest('base64url');
const at = (iso: string) => Date.parse(iso);

/** Day keys in memory: `expiresAtMs` per key, like the Identity table's TTL. */
function keysFor(days: Record<string, { secret: string; expiresAtMs?: number }>) {
  const asked: string[] = [];
  const source: DayKeySource = {
    async existingPeriodKey(name, nowMs) {
      asked.push(name);
      const k = Object.entries(days).find(([day]) => dayKeyName(day) === name)?.[1];
      if (!k || (k.expiresAtMs !== undefined && k.expiresAtMs < nowMs)) return undefined;
      return k.secret;
    },
  };
  return { source, asked };
}

describe('utcDaysTouched', () => {
  it('includes the day of both bounds when the range crosses UTC midnight by a minute', () => {
    expect(utcDaysTouched(at('2026-03-01T23:59:00Z'), at('2026-03-02T00:01:00Z'))).toEqual([
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('reaches the last day even when the range starts later in its day than it ends', () => {
    expect(utcDaysTouched(at('2026-03-01T22:00:00Z'), at('2026-03-03T01:00:00Z'))).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
    ]);
  });

  it('gives one day for a range inside a day, including one ending exactly at midnight', () => {
    expect(utcDaysTouched(at('2026-03-01T00:00:00Z'), at('2026-03-01T23:59:59.999Z'))).toEqual([
      '2026-03-01',
    ]);
    expect(utcDaysTouched(at('2026-03-01T12:00:00Z'), at('2026-03-02T00:00:00Z'))).toEqual([
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('is empty for a reversed range', () => {
    expect(utcDaysTouched(at('2026-03-02T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toEqual([]);
  });

  it('crosses month and leap-day edges by calendar, not by 30-day months', () => {
    expect(utcDaysTouched(at('2028-02-28T10:00:00Z'), at('2028-03-01T10:00:00Z'))).toEqual([
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
  });
});

describe('devicePseudonymsByDay', () => {
  const now = at('2026-03-10T12:00:00Z');

  it('derives the pseudonym of each day whose key exists, and skips days with a missing or expired key', async () => {
    const { source } = keysFor({
      '2026-03-01': { secret: 'k1' },
      // 2026-03-02: no key (destroyed)
      '2026-03-03': { secret: 'k3', expiresAtMs: now - 1 },
      '2026-03-04': { secret: 'k4', expiresAtMs: now + 1 },
    });
    const out = await devicePseudonymsByDay(
      { dayKeys: source, hmac },
      'dev-1',
      { fromMs: at('2026-03-01T08:00:00Z'), toMs: at('2026-03-04T00:00:00Z') },
      now,
    );
    expect(out).toEqual([
      { day: '2026-03-01', pseudonym: pseudonymOf('dev-1', '2026-03-01', 'k1', hmac) },
      { day: '2026-03-04', pseudonym: pseudonymOf('dev-1', '2026-03-04', 'k4', hmac) },
    ]);
  });

  it('asks only for the days inside the range bounds', async () => {
    const { source, asked } = keysFor({ '2026-02-28': { secret: 'a' }, '2026-03-02': { secret: 'b' } });
    const out = await devicePseudonymsByDay(
      { dayKeys: source, hmac },
      'dev-1',
      { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-01T23:59:59Z') },
      now,
    );
    expect(asked).toEqual([dayKeyName('2026-03-01')]);
    expect(out).toEqual([]);
  });

  it('gives different devices different pseudonyms under the same day key', async () => {
    const { source } = keysFor({ '2026-03-01': { secret: 'k' } });
    const range = { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-01T01:00:00Z') };
    const [a] = await devicePseudonymsByDay({ dayKeys: source, hmac }, 'dev-a', range, now);
    const [b] = await devicePseudonymsByDay({ dayKeys: source, hmac }, 'dev-b', range, now);
    expect(a?.pseudonym).toBeDefined();
    expect(a?.pseudonym).not.toBe(b?.pseudonym);
  });
});
