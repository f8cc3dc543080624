import {
  type ArtefactManifest,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
} from '../contract/artefact.ts';
import { encodeIspProfile, type IspProfile, IspProfileError, parseIspProfile } from './ispProfileFormat.ts';
import type { NightBin, NightDayAggregate } from './nightAggregate.ts';
import { robustLinearFit, weightedMedian } from './robustStats.ts';

/** What the fleet says about one camera model's sensor and auto-exposure. */
export interface SensorFit {
  /** Pedestal, DN. */
  blackLevelDn: number;
  /** Read-noise floor, DN rms. */
  readNoiseDn: number;
  /** Shot-noise gain k in σ² = read² + k · gain · (luma − black). */
  shotGain: number;
  /** The AE's target luma (median of lit-street reports the AE could still reach), DN. */
  targetLuma: number;
  /** The AE's exposure limit (median exposure on dark roads, where it is at its limit), ms. */
  maxExposureMs: number;
  /** The AE's gain limit (median gain on dark roads), ×. */
  maxGain: number;
  /** Shortest exposure seen, ms (the lower end of the curve; not fitted). */
  minExposureMs: number;
  /** Residual scale of the noise fit relative to the predicted variance (≈ 2 × the σ estimator's relative error). */
  noiseFitRelScale: number;
}

/** Tuning of {@link calibrateNight}. */
export interface CalibrationConfig {
  /**
   * The guard: no profile from fewer distinct cameras than this. A profile changes every
   * camera of a model; a handful of cameras — or one operator with a handful of devices — must
   * not be able to push it (a poisoned or simply unlucky sample), and 20 distinct devices make
   * the per-device spread average out (see docs/night-vision.md for the error against N).
   */
  minCameras: number;
  /** Noise σ (DN) the denoiser is set to leave behind: the Wiener-style strength is σ² / (σ² + this²). */
  residualNoiseDn: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_CALIBRATION: CalibrationConfig = { minCameras: 20, residualNoiseDn: 2 };

/** The outcome of a calibration: a profile, or the reason there is none. */
export type CalibrationResult =
  | {
      kind: 'profile';
      profile: IspProfile;
      fit: SensorFit;
      /** Lower bound of distinct cameras: the most seen on any one day (pseudonyms are per day). */
      cameras: number;
      cameraDays: number;
      reports: number;
      days: string[];
    }
  | {
      kind: 'withheld';
      reason: 'TOO_FEW_CAMERAS' | 'NO_DARK_ROADS' | 'NO_LIT_STREETS' | 'FIT_FAILED';
      cameras: number;
      cameraDays: number;
    };

/**
 * Calibrates the night ISP profile of one (camera model, firmware) from its days' aggregates.
 *
 * - **Guard** first: fewer than `minCameras` distinct cameras (at least that many on one day —
 *   the only count pseudonyms allow) and there is no profile, whatever the data say.
 * - **Noise**: σ² = read² + k·gain·luma − k·black·gain is linear in (1, gain·luma, gain), so one
 *   robust linear fit over the bins' medians gives read², k and the black level (−c / k). Rows
 *   are scaled by their predicted variance (noise variance grows with the signal, and a fit on
 *   raw variances would hear only the brightest bins) and weighted by their reports; Huber then
 *   Tukey weights leave spoilt bins (headlights, glare) out.
 * - **Auto-exposure**: dark roads hold the AE at its limits, so their median exposure and gain
 *   are the limits; lit streets below the gain limit show the target luma.
 *
 * @example
 * const r = calibrateNight(aggregates);
 * if (r.kind === 'profile') publish(ispProfileArtefact(r, { version: '1.0.0', createdAt, secretSeed }));
 */
export function calibrateNight(
  aggregates: readonly NightDayAggregate[],
  config: CalibrationConfig = DEFAULT_CALIBRATION,
): CalibrationResult {
  const first = aggregates[0];
  if (first && aggregates.some((a) => a.cameraModel !== first.cameraModel || a.firmware !== first.firmware))
    throw new IspProfileError(
      'BAD_PROFILE',
      'calibrateNight takes the aggregates of one (camera model, firmware)',
    );
  const cameras = aggregates.reduce((m, a) => Math.max(m, a.cameras), 0);
  const cameraDays = aggregates.reduce((s, a) => s + a.cameras, 0);
  if (cameras < config.minCameras)
    return { kind: 'withheld', reason: 'TOO_FEW_CAMERAS', cameras, cameraDays };
  const bins = aggregates.flatMap((a) => a.bins);
  const dark = bins.filter((b) => b.lighting === 'dark');
  if (dark.length === 0) return { kind: 'withheld', reason: 'NO_DARK_ROADS', cameras, cameraDays };
  const fit = fitSensor(bins);
  if (!fit) return { kind: 'withheld', reason: 'FIT_FAILED', cameras, cameraDays };
  if (!Number.isFinite(fit.targetLuma))
    return { kind: 'withheld', reason: 'NO_LIT_STREETS', cameras, cameraDays };
  // Some aggregate holds the dark bins found above, so there is a first one.
  const { cameraModel, firmware } = first as NightDayAggregate;
  let profile: IspProfile;
  try {
    // A fit the profile format refuses (a limit that came out NaN, say) ships nothing.
    profile = parseIspProfile(profileFromFit(cameraModel, firmware, fit, config));
  } catch (err) {
    if (err instanceof IspProfileError)
      return { kind: 'withheld', reason: 'FIT_FAILED', cameras, cameraDays };
    throw err;
  }
  return {
    kind: 'profile',
    profile,
    fit,
    cameras,
    cameraDays,
    reports: aggregates.reduce((s, a) => s + a.reports, 0),
    days: [...new Set(aggregates.map((a) => a.day))].sort(),
  };
}

/** The sensor and AE fit of a set of bins (see {@link calibrateNight}); undefined when degenerate. */
export function fitSensor(bins: readonly NightBin[]): SensorFit | undefined {
  const usable = bins.filter((b) => b.noiseVar > 0 && b.gain > 0);
  if (usable.length < 4) return undefined;
  const x = usable.map((b) => [1, b.gain * b.meanLuma, b.gain]);
  const y = usable.map((b) => b.noiseVar);
  const w = usable.map((b) => b.reports);
  // First pass on raw variances to get a scale per row, then the relative fit.
  let coef = robustLinearFit(x, y, { weights: w }).coef;
  let scale = Number.NaN;
  for (let pass = 0; pass < 3; pass++) {
    const pred = x.map((r, i) => Math.max(dot(r, coef), 0.05 * (y[i] as number), 1e-6));
    const fit = robustLinearFit(
      x.map((r, i) => r.map((v) => v / (pred[i] as number))),
      y.map((v, i) => v / (pred[i] as number)),
      { weights: w },
    );
    coef = fit.coef;
    scale = fit.scale;
  }
  const [a, k, c] = coef as [number, number, number];
  if (!(k > 0) || !Number.isFinite(a) || !Number.isFinite(c)) return undefined;
  const dark = usable.filter((b) => b.lighting === 'dark');
  const maxGain = weightedMedian(
    dark.map((b) => b.gain),
    dark.map((b) => b.reports),
  );
  const maxExposureMs = weightedMedian(
    dark.map((b) => b.exposureMs),
    dark.map((b) => b.reports),
  );
  // Lit streets where the AE still had gain in hand: their luma is the AE's target.
  const reachable = usable.filter((b) => b.lighting === 'lit' && b.gain < 0.9 * maxGain);
  const targetLuma = weightedMedian(
    reachable.map((b) => b.meanLuma),
    reachable.map((b) => b.reports),
  );
  return {
    blackLevelDn: -c / k,
    readNoiseDn: Math.sqrt(Math.max(a, 0)),
    shotGain: k,
    targetLuma,
    maxExposureMs,
    maxGain,
    minExposureMs: Math.min(...usable.map((b) => b.exposureMs)),
    noiseFitRelScale: scale,
  };
}

/** The ISP profile a fit implies: its black level and noise model, the AE's limits, denoise against gain. */
export function profileFromFit(
  cameraModel: string,
  firmware: string,
  fit: SensorFit,
  config: CalibrationConfig = DEFAULT_CALIBRATION,
): IspProfile {
  const black = clamp(round(fit.blackLevelDn, 2), 0, 64);
  const target = clamp(round(fit.targetLuma, 1), black + 1, 255);
  const maxGain = Math.max(1, round(fit.maxGain, 3));
  const denoise: { gain: number; strength: number }[] = [];
  // Octave steps from unit gain to the limit: denoise just cancels the predicted noise at the
  // target luma down to the residual the viewer does not see.
  for (let g = 1; ; g *= 2) {
    const gain = Math.min(g, maxGain);
    const variance = fit.readNoiseDn ** 2 + fit.shotGain * gain * Math.max(0, target - black);
    denoise.push({
      gain: round(gain, 3),
      strength: round(variance / (variance + config.residualNoiseDn ** 2), 3),
    });
    if (gain >= maxGain) break;
  }
  return {
    schema: 1,
    cameraModel,
    firmware,
    blackLevelOffset: black,
    targetLuma: target,
    minExposureMs: round(Math.min(fit.minExposureMs, fit.maxExposureMs), 3),
    maxExposureMs: round(fit.maxExposureMs, 3),
    minGain: 1,
    maxGain,
    noise: { readSigma: round(fit.readNoiseDn, 3), shotGain: round(fit.shotGain, 5) },
    denoise,
  };
}

/**
 * A calibrated profile ready to be signed: the cloud computes it, but holds no release key
 * (releases are signed offline, see functions/adapters/artefactReleaseKeys.ts), so the
 * scheduled calibration stores candidates and an operator signs and publishes them.
 */
export interface IspProfileCandidate {
  profile: IspProfile;
  version: string;
  /** RFC 3339. */
  createdAt: string;
  /** What it rests on: cameras, camera-days, reports, days (goes into the signed manifest). */
  provenance: Record<string, string | number | boolean>;
}

/** Options of {@link ispProfileArtefact}. */
export interface ProfileArtefactOptions {
  version: string;
  /** RFC 3339; handed in (no clock in lib/). */
  createdAt: string;
  /** The release key's 32-byte Ed25519 seed. */
  secretSeed: Uint8Array;
}

/** A signed `isp_profile` artefact: the bytes, its manifest and the manifest's signature. */
export interface ProfileArtefact {
  bytes: Uint8Array;
  manifest: ArtefactManifest;
  signature: string;
}

/** The candidate of a calibration that produced a profile. */
export function ispProfileCandidate(
  result: Extract<CalibrationResult, { kind: 'profile' }>,
  options: { version: string; createdAt: string },
): IspProfileCandidate {
  const p = result.profile;
  return {
    profile: p,
    version: options.version,
    createdAt: options.createdAt,
    provenance: {
      source: 'fleet night_scene reports',
      cameraModel: p.cameraModel,
      firmware: p.firmware,
      cameras: result.cameras,
      cameraDays: result.cameraDays,
      reports: result.reports,
      fromDay: result.days[0] ?? '',
      toDay: result.days[result.days.length - 1] ?? '',
      noiseFitRelScale: round(result.fit.noiseFitRelScale, 4),
    },
  };
}

/**
 * Signs a candidate as an `isp_profile` artefact. Compatible with exactly the camera model and
 * firmware it was calibrated on (another firmware may change the ISP's statistics).
 */
export function signIspProfileCandidate(
  candidate: IspProfileCandidate,
  secretSeed: Uint8Array,
): ProfileArtefact {
  const { bytes, manifest: unsigned } = unsignedIspProfileArtefact(candidate);
  const manifest: ArtefactManifest = { ...unsigned, keyId: keyIdOf(publicKeyOf(secretSeed)) };
  return { bytes, manifest, signature: signManifest(manifest, secretSeed) };
}

/**
 * A candidate's bytes and its manifest without the signing key: what an operator reviews and
 * signs offline (`dashnet artefact publish` with these fields, or {@link signIspProfileCandidate}).
 */
export function unsignedIspProfileArtefact(candidate: IspProfileCandidate): {
  bytes: Uint8Array;
  manifest: Omit<ArtefactManifest, 'keyId'>;
} {
  const p = candidate.profile;
  const bytes = encodeIspProfile(p);
  return {
    bytes,
    manifest: {
      schema: 1,
      kind: 'isp_profile',
      name: profileName(p.cameraModel),
      version: candidate.version,
      sha256: sha256Hex(bytes),
      size: bytes.length,
      compatibility: { cameraModels: [p.cameraModel], minFirmware: p.firmware, maxFirmware: p.firmware },
      provenance: candidate.provenance,
      createdAt: candidate.createdAt,
    },
  };
}

/** Candidate and signature in one step (tests, the local stack, the bench). */
export function ispProfileArtefact(
  result: Extract<CalibrationResult, { kind: 'profile' }>,
  options: ProfileArtefactOptions,
): ProfileArtefact {
  return signIspProfileCandidate(ispProfileCandidate(result, options), options.secretSeed);
}

/** The artefact name of a model's night profile, within the manifest's name alphabet. */
export function profileName(cameraModel: string): string {
  return `isp-night-${cameraModel.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`.slice(0, 64);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
