import type { NightObservation } from './nightObservations.ts';
import { median, weightedMedian } from './robustStats.ts';

/** Lighting of a road cell at night; `unknown` until enough cameras have seen it. */
export type LightingClass = 'lit' | 'dark' | 'unknown';

/** One cell's night brightness on one UTC day: anonymous (a count, not who). */
export interface CellNightDay {
  cell: string;
  day: string;
  /** Distinct cameras that reported from the cell that day. */
  cameras: number;
  /** Median over those cameras of each camera's median log10 scene luminance. */
  logLuminance: number;
}

/** Tuning of {@link classifyCells}. */
export interface LightingClassConfig {
  /**
   * log10 scene luminance (DN per ms at unit gain) dividing lit from dark. Street lighting puts
   * a road 1–2 decades above what low beams alone light (EN 13201 classes: 2–15 cd/m² vs
   * ~0.1 cd/m² under dipped beams); −0.7 sits in the gap between the two, for the consumer
   * sensors of the fleet (their sensitivities differ by less than ±0.2 decades).
   */
  litAboveLog10: number;
  /** Camera-days a cell needs before it has a class: one camera's dirty lens must not decide it. */
  minCameraDays: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_LIGHTING_CLASS: LightingClassConfig = { litAboveLog10: -0.7, minCameraDays: 3 };

/**
 * Scene luminance an observation implies, log10(DN / (ms · gain)): the luma the camera saw
 * divided by how much it amplified — the same street gives the same figure whatever its AE
 * chose. The pedestal is not subtracted (unknown before calibration); it biases dark roads up
 * by a few tenths of a decade, well inside the gap the threshold sits in.
 */
export function logSceneLuminance(o: Pick<NightObservation, 'meanLuma' | 'exposureMs' | 'gain'>): number {
  return Math.log10(Math.max(o.meanLuma, 0.5) / Math.max(o.exposureMs * o.gain, 1e-6));
}

/**
 * Per cell and day, the cameras' brightness: each camera's own median first (a camera that
 * passed twice counts once), then the median across cameras.
 */
export function cellNightDays(observations: readonly NightObservation[]): CellNightDay[] {
  const byCellDay = new Map<string, Map<string, number[]>>();
  for (const o of observations) {
    const key = `${o.cell}#${o.day}`;
    let cams = byCellDay.get(key);
    if (!cams) {
      cams = new Map();
      byCellDay.set(key, cams);
    }
    const list = cams.get(o.pseudonym);
    if (list) list.push(logSceneLuminance(o));
    else cams.set(o.pseudonym, [logSceneLuminance(o)]);
  }
  const out: CellNightDay[] = [];
  for (const [key, cams] of byCellDay) {
    const [cell, day] = key.split('#') as [string, string];
    out.push({ cell, day, cameras: cams.size, logLuminance: median([...cams.values()].map(median)) });
  }
  return out;
}

/**
 * Each cell's lighting class from its history: the camera-day-weighted median of its days'
 * brightness against the threshold, once it has enough camera-days.
 */
export function classifyCells(
  history: readonly CellNightDay[],
  config: LightingClassConfig = DEFAULT_LIGHTING_CLASS,
): Map<string, LightingClass> {
  const byCell = new Map<string, CellNightDay[]>();
  for (const d of history) {
    const list = byCell.get(d.cell);
    if (list) list.push(d);
    else byCell.set(d.cell, [d]);
  }
  const out = new Map<string, LightingClass>();
  for (const [cell, days] of byCell) {
    const cameraDays = days.reduce((s, d) => s + d.cameras, 0);
    if (cameraDays < config.minCameraDays) {
      out.set(cell, 'unknown');
      continue;
    }
    const level = weightedMedian(
      days.map((d) => d.logLuminance),
      days.map((d) => d.cameras),
    );
    out.set(cell, level > config.litAboveLog10 ? 'lit' : 'dark');
  }
  return out;
}
