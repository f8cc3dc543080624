import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the real recordings live: `../shared/data/real/` beside the checkout, or the folder named
 * by `DASHNET_REAL_DATA`. They are never copied into this repository (their licences forbid it);
 * tests and benches read them from there and skip when they are absent.
 */
export const REAL_DATA_ROOT: string =
  process.env.DASHNET_REAL_DATA ??
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'real');

/** The message a test or bench prints when a real data set is missing. */
export function realDataMissing(dataset: string): string {
  return `skipped: real recordings not found at ../shared/data/real/${dataset}/`;
}

/** Absolute path of a data set folder, or `undefined` when it is absent. */
export function realDataset(dataset: string): string | undefined {
  const dir = join(REAL_DATA_ROOT, dataset);
  return existsSync(dir) ? dir : undefined;
}
