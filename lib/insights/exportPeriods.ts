import { DAY_MS } from '../time/durations.ts';
import { isoOf as iso } from '../time/isoTime.ts';
import type { ExportPeriod } from './exportManifest.ts';

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** The UTC day `[start, start + 1 day)` containing `ms`. */
export function dayPeriod(ms: number): ExportPeriod {
  const from = dayStart(ms);
  return { kind: 'day', from: iso(from), to: iso(from + DAY_MS) };
}

/** The UTC calendar month containing `ms`. */
export function monthPeriod(ms: number): ExportPeriod {
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { kind: 'month', from: iso(from), to: iso(to) };
}

/** An on-demand period, rounded out to whole UTC days (the aggregates are daily). */
export function customPeriod(fromMs: number, toMs: number): ExportPeriod {
  const from = dayStart(fromMs);
  const to = Math.max(from + DAY_MS, dayStart(toMs - 1) + DAY_MS);
  return { kind: 'custom', from: iso(from), to: iso(to) };
}

/**
 * The scheduled periods that are final at `nowMs`: yesterday, and last month, each once its end
 * plus `settleMs` (the daily fold runs after a day closes) has passed. The caller skips those
 * already written, so an hourly schedule writes each file once and catches up after an outage.
 */
export function duePeriods(nowMs: number, settleMs: number): ExportPeriod[] {
  const ready = nowMs - settleMs;
  const yesterday = dayPeriod(dayStart(ready) - DAY_MS);
  const lastMonth = monthPeriod(Date.parse(monthPeriod(ready).from) - DAY_MS);
  return [yesterday, lastMonth];
}

/** The UTC days (YYYY-MM-DD) of a period: the first, and the last before `to`. */
export function periodDays(p: ExportPeriod): { fromDay: string; toDay: string } {
  return { fromDay: p.from.slice(0, 10), toDay: iso(Date.parse(p.to) - DAY_MS).slice(0, 10) };
}

/** The storage folder of a period under an insurer's prefix. */
export function periodFolder(p: ExportPeriod): string {
  const { fromDay, toDay } = periodDays(p);
  if (p.kind === 'day') return `daily/${fromDay}`;
  if (p.kind === 'month') return `monthly/${fromDay.slice(0, 7)}`;
  return `custom/${fromDay}_${toDay}`;
}
