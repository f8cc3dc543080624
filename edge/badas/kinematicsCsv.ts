import { BadasError } from './badasError.ts';
import { BadasMonitor, type BadasMonitorOptions } from './badasMonitor.ts';
import type { BadasScorer } from './badasScorer.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';

/** Columns of the `dashnet edge badas` input (contract §1), in order. */
export const KINEMATICS_CSV_COLUMNS = [
  't',
  'ego_speed_mps',
  'ego_accel_mps2',
  'lead_gap_m',
  'lead_closing_mps',
] as const;

/** A parsed row: the frame, and `t` exactly as written (echoed in the output). */
export interface KinematicsRow {
  tText: string;
  frame: LeadKinematicsFrame;
}

function num(text: string, line: number, column: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new BadasError('BAD_CSV', `line ${line}: ${column} '${text}' is not a number`);
  return v;
}

/**
 * Parses the per-frame lead kinematics CSV: header
 * `t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps` (columns in any order), `t` in
 * seconds (Unix or relative), lead fields empty when there is no lead.
 *
 * @throws BadasError `BAD_CSV` with the line number; `BAD_FRAME` when `t` does not increase
 */
export function parseKinematicsCsv(csv: string): KinematicsRow[] {
  const lines = csv.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = KINEMATICS_CSV_COLUMNS.map((c) => header.indexOf(c));
  const missing = KINEMATICS_CSV_COLUMNS.filter((_, i) => col[i]! < 0);
  if (missing.length > 0)
    throw new BadasError(
      'BAD_CSV',
      `header lacks ${missing.join(', ')} (want ${KINEMATICS_CSV_COLUMNS.join(',')})`,
    );
  const [it, isp, iac, igap, icl] = col as [number, number, number, number, number];
  const rows: KinematicsRow[] = [];
  let lastT = Number.NEGATIVE_INFINITY;
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length < header.length)
      throw new BadasError('BAD_CSV', `line ${n + 1}: ${cells.length} fields, header has ${header.length}`);
    const tText = cells[it]!.trim();
    const frame: LeadKinematicsFrame = {
      tS: num(tText, n + 1, 't'),
      egoSpeedMps: num(cells[isp]!, n + 1, 'ego_speed_mps'),
      egoAccelMps2: num(cells[iac]!, n + 1, 'ego_accel_mps2'),
    };
    const gap = cells[igap]!.trim();
    const closing = cells[icl]!.trim();
    if (gap !== '') frame.leadGapM = num(gap, n + 1, 'lead_gap_m');
    if (closing !== '') {
      if (gap === '') throw new BadasError('BAD_CSV', `line ${n + 1}: lead_closing_mps without lead_gap_m`);
      frame.leadClosingMps = num(closing, n + 1, 'lead_closing_mps');
    }
    if (frame.tS <= lastT) throw new BadasError('BAD_FRAME', `line ${n + 1}: t ${tText} does not increase`);
    lastT = frame.tS;
    rows.push({ tText, frame });
  }
  if (rows.length === 0) throw new BadasError('BAD_CSV', 'no data rows');
  return rows;
}

/**
 * Runs the camera's anticipation (features → model → hysteresis) on the kinematics CSV and
 * returns `t,score,alert`, one row per input row — what `dashnet edge badas` writes.
 *
 * @throws BadasError `BAD_CSV` / `BAD_FRAME`
 */
export function runBadasOnCsv(csv: string, scorer: BadasScorer, options: BadasMonitorOptions = {}): string {
  const rows = parseKinematicsCsv(csv);
  const monitor = new BadasMonitor(scorer, options);
  const out = ['t,score,alert'];
  for (const { tText, frame } of rows) {
    const step = monitor.push(frame);
    out.push(`${tText},${step.score.toFixed(4)},${step.alert ? 1 : 0}`);
  }
  return `${out.join('\n')}\n`;
}
