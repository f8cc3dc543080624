import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { realDataset } from './realDataRoot.ts';

/**
 * The labelled road-surface snippets of Gonzalez, Moreno, Escalante, Martinez and Carlos,
 * "Learning Roadway Surface Disruption Patterns Using the Bag of Words Representation",
 * IEEE T-ITS 18(11), 2017 — read from `../shared/data/real/`, never copied.
 */
export const GONZALEZ_DATASET = 'road-anomalies-gonzalez2017';

/** The authors' citation, for bench notes and test names. */
export const GONZALEZ_CITATION =
  'Gonzalez, Moreno, Escalante, Martinez, Carlos, IEEE T-ITS 18(11) 2017, doi:10.1109/TITS.2017.2662483';

/** The snippets' sampling rate (SOURCE.txt). */
export const GONZALEZ_RATE_HZ = 50;

/** The five upstream folders (classes). */
export type GonzalezClass = 'potholes' | 'asphalt_bumps' | 'metal_bumps' | 'worn_out_road' | 'regular_road';

/** One labelled snippet: the phone's z acceleration, gravity included, m/s², at 50 Hz. */
export interface GonzalezClip {
  cls: GonzalezClass;
  id: string;
  zMps2: number[];
}

const CLASSES: readonly string[] = [
  'potholes',
  'asphalt_bumps',
  'metal_bumps',
  'worn_out_road',
  'regular_road',
];

/** The data set folder, or `undefined` when the real recordings are absent. */
export function gonzalezRoot(): string | undefined {
  return realDataset(GONZALEZ_DATASET);
}

/** Reads all 500 snippets from `snippets.csv.gz`, in the file's order (class, id, index). */
export function loadGonzalezClips(root: string): GonzalezClip[] {
  const text = gunzipSync(readFileSync(join(root, 'snippets.csv.gz'))).toString('utf8');
  const clips: GonzalezClip[] = [];
  let current: GonzalezClip | undefined;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const [cls, id, , value] = line.split(',');
    if (!cls || !id || value === undefined || !CLASSES.includes(cls)) continue;
    if (!current || current.id !== id) {
      current = { cls: cls as GonzalezClass, id, zMps2: [] };
      clips.push(current);
    }
    current.zMps2.push(Number(value));
  }
  return clips;
}

/**
 * Held-out fold (0 or 1) of a clip. The five phones of one event started and stopped
 * together, so copies of one event have (nearly) the same length: clips are grouped in
 * 0.1 s length buckets per class and the buckets alternate between folds. This keeps most
 * copies of an event on one side; it is a proxy (no event ids exist), not a guarantee.
 */
export function gonzalezFold(clip: GonzalezClip): 0 | 1 {
  return (Math.floor(clip.zMps2.length / 5) % 2) as 0 | 1;
}

/**
 * The clip as a slower sensor would snapshot it: every `factor`-th sample starting at
 * `phase` (the CMU app, like many phone loggers, keeps the latest reading at each tick
 * rather than an average, so decimation without a low-pass is the realistic model).
 */
export function decimate(values: number[], factor: number, phase = 0): number[] {
  const out: number[] = [];
  for (let i = phase; i < values.length; i += factor) out.push(values[i] as number);
  return out;
}
