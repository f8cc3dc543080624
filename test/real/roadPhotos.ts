import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

/**
 * The real road photos (`../shared/data/images/`, MIT and Apache-2.0, licences beside them) and
 * the candidate detectors (`../shared/models/`). Perception tests and the perception bench read
 * them from there and skip when absent; `DASHNET_ROAD_PHOTOS` / `DASHNET_MODELS` override.
 */
export const ROAD_PHOTOS_ROOT: string = process.env.DASHNET_ROAD_PHOTOS ?? join(SHARED, 'data', 'images');

/** Where the candidate detectors not vendored into the repo live. */
export const CANDIDATE_MODELS_ROOT: string = process.env.DASHNET_MODELS ?? join(SHARED, 'models');

/** The photo folder, or `undefined` when it is absent. */
export function roadPhotosDir(): string | undefined {
  return existsSync(ROAD_PHOTOS_ROOT) ? ROAD_PHOTOS_ROOT : undefined;
}

/** Path of a candidate model file, or `undefined` when it is absent. */
export function candidateModel(file: string): string | undefined {
  const path = join(CANDIDATE_MODELS_ROOT, file);
  return existsSync(path) ? path : undefined;
}

/** The message a test or bench prints when the photos are missing. */
export function roadPhotosMissing(): string {
  return 'skipped: road photos not found at ../shared/data/images/';
}
