import type { LightingClass } from './lightingClass.ts';
import type { NightObservation } from './nightObservations.ts';
import { median } from './robustStats.ts';

/**
 * One bin of a day's night reports of one (camera model, firmware): reports of one lighting
 * class at about the same gain and luma, summarised by medians. A bin is anonymous (counts and
 * medians, no pseudonym, no place) and its medians shrug off the spoilt minority of its reports.
 */
export interface NightBin {
  lighting: LightingClass;
  /** Quarter-octave gain bin: round(4 · log2 gain). */
  gainBin: number;
  /** 4-DN luma bin: floor(luma / 4). */
  lumaBin: number;
  reports: number;
  /** Distinct cameras behind the bin that day. */
  cameras: number;
  gain: number;
  meanLuma: number;
  /** Median noise variance σ², DN². */
  noiseVar: number;
  exposureMs: number;
}

/** A day's night aggregate of one (camera model, firmware): what the calibration reads. */
export interface NightDayAggregate {
  cameraModel: string;
  firmware: string;
  day: string;
  /** Distinct cameras of the group that day (pseudonyms are per day, so this is exact). */
  cameras: number;
  reports: number;
  bins: NightBin[];
}

/** Luma from which a report is clipped or nearly: its noise is no longer the sensor's. */
export const CLIPPED_LUMA = 250;

/**
 * Folds one day's observations of one (camera model, firmware) into its aggregate, each report
 * in the lighting class of its cell (`classOf`; `unknown` when the cell's history is too thin).
 * Clipped reports are dropped (a clipped patch has no noise left to measure). Deterministic: the
 * same observations in any order give the same aggregate, so a recomputed day overwrites itself.
 */
export function foldNightDay(
  observations: readonly NightObservation[],
  classOf: (cell: string) => LightingClass,
): NightDayAggregate[] {
  const groups = new Map<string, NightObservation[]>();
  for (const o of observations) {
    const key = `${o.cameraModel}\u0000${o.firmware}\u0000${o.day}`;
    const list = groups.get(key);
    if (list) list.push(o);
    else groups.set(key, [o]);
  }
  const out: NightDayAggregate[] = [];
  for (const list of groups.values()) {
    const first = list[0] as NightObservation;
    const bins = new Map<string, NightObservation[]>();
    for (const o of list) {
      if (!(o.meanLuma < CLIPPED_LUMA) || !(o.gain > 0) || !(o.exposureMs > 0)) continue;
      const lighting = classOf(o.cell);
      const key = `${lighting}|${Math.round(4 * Math.log2(o.gain))}|${Math.floor(o.meanLuma / 4)}`;
      const b = bins.get(key);
      if (b) b.push(o);
      else bins.set(key, [o]);
    }
    const folded: NightBin[] = [];
    for (const [key, obs] of bins) {
      const [lighting, gainBin, lumaBin] = key.split('|') as [LightingClass, string, string];
      folded.push({
        lighting,
        gainBin: Number(gainBin),
        lumaBin: Number(lumaBin),
        reports: obs.length,
        cameras: new Set(obs.map((o) => o.pseudonym)).size,
        gain: median(obs.map((o) => o.gain)),
        meanLuma: median(obs.map((o) => o.meanLuma)),
        noiseVar: median(obs.map((o) => o.noiseSigma ** 2)),
        exposureMs: median(obs.map((o) => o.exposureMs)),
      });
    }
    folded.sort((a, b) =>
      a.lighting !== b.lighting
        ? a.lighting < b.lighting
          ? -1
          : 1
        : a.gainBin - b.gainBin || a.lumaBin - b.lumaBin,
    );
    out.push({
      cameraModel: first.cameraModel,
      firmware: first.firmware,
      day: first.day,
      cameras: new Set(list.map((o) => o.pseudonym)).size,
      reports: list.length,
      bins: folded,
    });
  }
  return out.sort((a, b) =>
    a.cameraModel !== b.cameraModel
      ? a.cameraModel < b.cameraModel
        ? -1
        : 1
      : a.firmware !== b.firmware
        ? a.firmware < b.firmware
          ? -1
          : 1
        : a.day < b.day
          ? -1
          : a.day > b.day
            ? 1
            : 0,
  );
}
