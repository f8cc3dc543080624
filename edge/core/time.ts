import { EdgeError } from './errors.ts';

const MS_PER_DAY = 86_400_000;

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses a log time: RFC 3339 (any offset) or Unix seconds (fractions allowed). Parsed by hand
 * rather than with `Date.parse`, whose leniency differs between engines.
 *
 * @throws EdgeError `BAD_TIME`
 */
export function parseLogTime(text: string): number {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const m = RFC3339.exec(s);
  if (!m) throw new EdgeError('BAD_TIME', `not an RFC 3339 time or Unix seconds: "${s}"`);
  const [, y, mo, d, h, mi, se, frac, off] = m;
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(se) > 60
  ) {
    throw new EdgeError('BAD_TIME', `time out of range: "${s}"`);
  }
  let ms =
    daysFromCivil(Number(y), month, day) * MS_PER_DAY +
    Number(h) * 3_600_000 +
    Number(mi) * 60_000 +
    Number(se) * 1000;
  if (frac) ms += Math.round(Number(`0${frac}`) * 1000);
  if (off && off !== 'Z' && off !== 'z') {
    const sign = off.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(off.slice(1, 3)) * 3_600_000 + Number(off.slice(4, 6)) * 60_000);
  }
  return ms;
}

/** `ms` floored to a multiple of `stepMs` (coarsening times that would otherwise identify). */
export function floorTo(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Parses an HTTP-date in IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7),
 * the only form servers must send. Returns `undefined` for anything else.
 */
export function parseHttpDate(text: string): number | undefined {
  const m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[2] as string).toLowerCase()) + 1;
  if (month === 0) return undefined;
  return (
    daysFromCivil(Number(m[3]), month, Number(m[1])) * MS_PER_DAY +
    Number(m[4]) * 3_600_000 +
    Number(m[5]) * 60_000 +
    Number(m[6]) * 1000
  );
}
