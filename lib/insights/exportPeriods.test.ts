import { describe, expect, it } from 'vitest';
import { customPeriod, duePeriods, monthPeriod, periodDays, periodFolder } from './exportPeriods.ts';

describe('export periods', () => {
  it('schedules yesterday and last month once they have settled', () => {
    const now = Date.parse('2024-03-01T03:00:00Z');
    const [day, month] = duePeriods(now, 2 * 3600_000);
    expect(day).toEqual({ kind: 'day', from: '2024-02-29T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' });
    expect(month).toEqual({
      kind: 'month',
      from: '2024-02-01T00:00:00.000Z',
      to: '2024-03-01T00:00:00.000Z',
    });
    // Before the settle time the previous day is still the one before yesterday.
    expect(duePeriods(Date.parse('2024-03-01T01:00:00Z'), 2 * 3600_000)[0]?.from).toBe(
      '2024-02-28T00:00:00.000Z',
    );
  });

  it('rounds an on-demand period out to whole UTC days and names its folder', () => {
    const p = customPeriod(Date.parse('2024-05-03T10:00:00Z'), Date.parse('2024-05-05T00:00:00Z'));
    expect(p).toEqual({ kind: 'custom', from: '2024-05-03T00:00:00.000Z', to: '2024-05-05T00:00:00.000Z' });
    expect(periodDays(p)).toEqual({ fromDay: '2024-05-03', toDay: '2024-05-04' });
    expect(periodFolder(p)).toBe('custom/2024-05-03_2024-05-04');
    expect(periodFolder(monthPeriod(Date.parse('2024-12-31T23:00:00Z')))).toBe('monthly/2024-12');
  });
});
