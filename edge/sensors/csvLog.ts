import { EdgeError } from '../core/errors.ts';
import { parseLogTime } from '../core/time.ts';
import type { GpsFix, ImuSample } from './samples.ts';

function splitLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

function headerIndex(header: string[], name: string, required: boolean): number {
  const i = header.indexOf(name);
  if (i < 0 && required) throw new EdgeError('BAD_CSV', `missing column "${name}" in header`);
  return i;
}

function num(cells: string[], i: number, line: number, name: string): number {
  const raw = cells[i]?.trim() ?? '';
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) {
    throw new EdgeError('BAD_CSV', `line ${line}: "${name}" is not a number: "${raw}"`);
  }
  return v;
}

function optionalNum(cells: string[], i: number, line: number, name: string): number | undefined {
  if (i < 0) return undefined;
  const raw = cells[i]?.trim() ?? '';
  if (raw === '') return undefined;
  return num(cells, i, line, name);
}

/**
 * Parses a GPS log: header `t,lat,lng,speed_mps,heading_deg` (API.md §1), `t` RFC 3339 or Unix
 * seconds, speed and heading possibly empty. Rows are returned in file order; plausibility is
 * the {@link GpsFilter}'s job, syntax is this function's.
 *
 * @throws EdgeError `BAD_CSV` / `BAD_TIME` naming the line
 */
export function parseGpsCsv(text: string): GpsFix[] {
  const lines = splitLines(text);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const it = headerIndex(header, 't', true);
  const ilat = headerIndex(header, 'lat', true);
  const ilng = headerIndex(header, 'lng', true);
  const ispeed = headerIndex(header, 'speed_mps', false);
  const iheading = headerIndex(header, 'heading_deg', false);
  const out: GpsFix[] = [];
  for (let n = 1; n < lines.length; n++) {
    const cells = (lines[n] as string).split(',');
    const fix: GpsFix = {
      tMs: timeCell(cells[it], n + 1),
      lat: num(cells, ilat, n + 1, 'lat'),
      lng: num(cells, ilng, n + 1, 'lng'),
    };
    const speed = optionalNum(cells, ispeed, n + 1, 'speed_mps');
    const heading = optionalNum(cells, iheading, n + 1, 'heading_deg');
    if (speed !== undefined) fix.speedMps = speed;
    if (heading !== undefined) fix.headingDeg = heading;
    out.push(fix);
  }
  return out;
}

/**
 * Parses an IMU log: header `t,ax,ay,az[,gx,gy,gz]` (m/s² with gravity, rad/s), sensor axes.
 *
 * @throws EdgeError `BAD_CSV` / `BAD_TIME` naming the line
 */
export function parseImuCsv(text: string): ImuSample[] {
  const lines = splitLines(text);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const it = headerIndex(header, 't', true);
  const iax = headerIndex(header, 'ax', true);
  const iay = headerIndex(header, 'ay', true);
  const iaz = headerIndex(header, 'az', true);
  const igx = headerIndex(header, 'gx', false);
  const igy = headerIndex(header, 'gy', false);
  const igz = headerIndex(header, 'gz', false);
  const out: ImuSample[] = [];
  for (let n = 1; n < lines.length; n++) {
    const cells = (lines[n] as string).split(',');
    const s: ImuSample = {
      tMs: timeCell(cells[it], n + 1),
      ax: num(cells, iax, n + 1, 'ax'),
      ay: num(cells, iay, n + 1, 'ay'),
      az: num(cells, iaz, n + 1, 'az'),
    };
    const gx = optionalNum(cells, igx, n + 1, 'gx');
    const gy = optionalNum(cells, igy, n + 1, 'gy');
    const gz = optionalNum(cells, igz, n + 1, 'gz');
    if (gx !== undefined && gy !== undefined && gz !== undefined) {
      s.gx = gx;
      s.gy = gy;
      s.gz = gz;
    }
    out.push(s);
  }
  return out;
}

function timeCell(raw: string | undefined, line: number): number {
  if (raw === undefined || raw.trim() === '') throw new EdgeError('BAD_CSV', `line ${line}: empty time`);
  try {
    return parseLogTime(raw);
  } catch (err) {
    throw new EdgeError('BAD_TIME', `line ${line}: ${(err as Error).message}`);
  }
}
