import { cellToChildren, getResolution } from 'h3-js';
import {
  type ArtefactManifest,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
} from '../contract/artefact.ts';
import { DEFAULT_K } from '../insights/kAnonymity.ts';
import {
  DEFAULT_TILE_RESOLUTION,
  PRIOR_CELL_RESOLUTION,
  type RegionPriors,
  type RegionPriorsOptions,
  regionPriors,
} from './cellPriors.ts';
import { PriorsError } from './priorsError.ts';

import type { PriorsSource } from './priorsSource.ts';
import { encodePriorTile } from './priorTile.ts';

/**
 * A built tile waiting for its signature. The cloud holds no release key (releases are signed
 * offline, docs/ota.md), so the scheduled builder stops here: an operator signs the candidate
 * ({@link signPriorTile}) and publishes it through the OTA registry.
 */
export interface PriorTileCandidate {
  bytes: Uint8Array;
  /** The artefact line: one per area, `conflict-priors-<region>`. */
  name: string;
  version: string;
  createdAt: string;
  cameraModels: string[];
  provenance: Record<string, string | number | boolean>;
}

/** A signed tile: the bytes, their manifest and its signature. */
export interface PriorTileArtefact {
  bytes: Uint8Array;
  manifest: ArtefactManifest;
  /** Ed25519 over the manifest's canonical bytes, hex. */
  signature: string;
}

/** Options of {@link priorTileCandidate}. */
export interface PriorTileCandidateOptions {
  /** First and last UTC day (inclusive, `YYYY-MM-DD`) of the history. */
  fromDay: string;
  toDay: string;
  k: number;
  /** Build time, RFC 3339 (handed in: this module has no clock). */
  createdAt: string;
  /** Defaults to `YYYY.MMDD.0` of `toDay`, so later periods sort later. */
  version?: string;
  cameraModels?: string[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026-12-01` → `2026.1201.0`: a semantic version that grows with the period's end. */
export function versionOfDay(day: string): string {
  const m = DAY.exec(day);
  if (!m) throw new PriorsError('BAD_INPUT', `${day} is not a YYYY-MM-DD day`);
  return `${Number(m[1])}.${Number(m[2]) * 100 + Number(m[3])}.0`;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Encodes a region's priors as a tile with the facts its manifest will carry (region, period, k,
 * cells, exposure, the regional rate and the prior's fit). Pure.
 *
 * @throws PriorsError `BAD_INPUT`
 */
export function priorTileCandidate(
  priors: RegionPriors,
  options: PriorTileCandidateOptions,
): PriorTileCandidate {
  if (!DAY.test(options.fromDay) || !DAY.test(options.toDay) || options.fromDay > options.toDay)
    throw new PriorsError('BAD_INPUT', `bad period ${options.fromDay}..${options.toDay}`);
  const bytes = encodePriorTile({
    parent: priors.region,
    cellRes: PRIOR_CELL_RESOLUTION,
    unit: priors.unit,
    regionalRate: priors.prior.meanRate,
    cells: priors.cells,
  });
  const { prior } = priors;
  return {
    bytes,
    name: `conflict-priors-${priors.region}`,
    version: options.version ?? versionOfDay(options.toDay),
    createdAt: options.createdAt,
    cameraModels: options.cameraModels ?? ['*'],
    provenance: {
      region: priors.region,
      regionResolution: getResolution(priors.region),
      cellResolution: PRIOR_CELL_RESOLUTION,
      from: options.fromDay,
      to: options.toDay,
      k: options.k,
      cells: priors.cells.length,
      exposureKm: round(priors.exposureKm, 1),
      exposureH: round(priors.exposureH, 1),
      nearMisses: priors.nearMisses,
      rateUnit: priors.unit === 'hour' ? 'near_misses_per_hour' : 'near_misses_per_100km',
      regionalRate: round(prior.meanRate, 6),
      shrinkage: `gamma-poisson/${prior.method}`,
      priorShape: Number.isFinite(prior.shape) ? round(prior.shape, 4) : 'no_spread',
    },
  };
}

/**
 * Signs a candidate with a release key (a 32-byte Ed25519 seed): the manifest (kind
 * `conflict_priors`, the bytes' SHA-256 and size, the candidate's provenance) and its signature.
 */
export function signPriorTile(candidate: PriorTileCandidate, secretSeed: Uint8Array): PriorTileArtefact {
  const manifest: ArtefactManifest = {
    schema: 1,
    kind: 'conflict_priors',
    name: candidate.name,
    version: candidate.version,
    sha256: sha256Hex(candidate.bytes),
    size: candidate.bytes.length,
    compatibility: { cameraModels: candidate.cameraModels },
    provenance: candidate.provenance,
    createdAt: candidate.createdAt,
    keyId: keyIdOf(publicKeyOf(secretSeed)),
  };
  return { bytes: candidate.bytes, manifest, signature: signManifest(manifest, secretSeed) };
}

/** Options of {@link buildPriorTile}. */
export interface BuildPriorTileOptions extends Omit<PriorTileCandidateOptions, 'k'> {
  /** The tile's area: an H3 cell, res {@link DEFAULT_TILE_RESOLUTION} by default (any res 3–7). */
  region: string;
  k?: number;
  minCamerasPerDay?: number;
  method?: RegionPriorsOptions['method'];
  unit?: RegionPriorsOptions['unit'];
}

/**
 * Reads a region's day aggregates from the insights and builds its tile candidate (unsigned):
 * the scheduled builder's one call. Only partitions ever observed are read.
 *
 * @example
 * const { candidate } = await buildPriorTile(priorsSourceOf(insightsStore), {
 *   region: '842a847ffffffff', fromDay: '2026-09-01', toDay: '2026-11-30',
 *   createdAt: isoOf(nowMs) });
 * // offline, by an operator holding the release key:
 * const { bytes, manifest, signature } = signPriorTile(candidate, releaseSeed);
 *
 * @throws PriorsError `BAD_INPUT`
 */
export async function buildPriorTile(
  source: PriorsSource,
  options: BuildPriorTileOptions,
): Promise<{ candidate: PriorTileCandidate; priors: RegionPriors }> {
  const res = getResolution(options.region);
  if (!(res >= 3 && res <= 7))
    throw new PriorsError('BAD_INPUT', `region ${options.region} must be an H3 cell of res 3–7`);
  const k = options.k ?? DEFAULT_K;
  const partitions = await source.observedPartitions(cellToChildren(options.region, PRIOR_CELL_RESOLUTION));
  const days = partitions.length > 0 ? await source.days(partitions, options.fromDay, options.toDay) : [];
  const regionOptions: RegionPriorsOptions = { k };
  if (options.minCamerasPerDay !== undefined) regionOptions.minCamerasPerDay = options.minCamerasPerDay;
  if (options.method) regionOptions.method = options.method;
  if (options.unit) regionOptions.unit = options.unit;
  const priors = regionPriors(days, options.region, regionOptions);
  const candidate = priorTileCandidate(priors, { ...options, k });
  return { candidate, priors };
}
