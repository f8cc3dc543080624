import { type ArtefactManifest, isCompatible, verifyArtefact } from '../../lib/contract/artefact.ts';
import {
  decodeIspProfile,
  type IspProfile,
  IspProfileError,
  parseIspProfile,
} from '../../lib/night/ispProfileFormat.ts';

export { IspProfileError } from '../../lib/night/ispProfileFormat.ts';

/**
 * Brightness of the scene as the sensor sees it, independent of the current exposure settings:
 * luma above the black level per millisecond at unit gain (DN / (ms · gain)). The host ISP
 * meters it from its current frame: `(meanLuma − black) / (exposureMs · gain)`.
 */
export function sceneLuminanceOf(
  meanLuma: number,
  exposureMs: number,
  gain: number,
  blackLevel: number,
): number {
  const exposure = exposureMs * gain;
  return exposure > 0 ? Math.max(0, meanLuma - blackLevel) / exposure : 0;
}

/**
 * What the host ISP applies at night, from a verified `isp_profile` artefact: exposure and gain
 * for a scene, denoise strength for a gain, the black level to subtract. The camera never runs
 * an unverified profile: build it with {@link verifiedIspProfile} (signature, digest, kind and
 * compatibility checked here) or {@link ispProfileFromArtefact} (from the OTA updater's
 * `onArtefact(kind, bytes, manifest)`, which has already verified signature and digest).
 *
 * The auto-exposure law: exposure first (it costs no noise), up to `maxExposureMs`; then gain,
 * up to `maxGain`; beyond that the image is darker than the target, because more gain would
 * cost more in noise than it gains in brightness (the calibration chose `maxGain` so).
 *
 * @example
 * const isp = ispProfileFromArtefact('isp_profile', bytes, manifest, 'budget-10hz', '2.1.0');
 * const lum = sceneLuminanceOf(stats.meanLuma, stats.exposureMs, stats.gain, isp.blackLevelOffset);
 * host.setExposure(isp.exposureFor(lum), isp.gainFor(lum));
 * host.setDenoise(isp.denoiseFor(isp.gainFor(lum)));
 */
export class NightIspProfile {
  constructor(readonly profile: IspProfile) {}

  /** Pedestal to subtract from every pixel, DN. */
  get blackLevelOffset(): number {
    return this.profile.blackLevelOffset;
  }

  /** Exposure time, ms, for a scene of `sceneLuminance` (see {@link sceneLuminanceOf}). */
  exposureFor(sceneLuminance: number): number {
    const p = this.profile;
    const need = (p.targetLuma - p.blackLevelOffset) / Math.max(sceneLuminance, 1e-9);
    return clamp(need / p.minGain, p.minExposureMs, p.maxExposureMs);
  }

  /** Analogue gain for a scene of `sceneLuminance`, given the exposure {@link exposureFor} chose. */
  gainFor(sceneLuminance: number): number {
    const p = this.profile;
    const need = (p.targetLuma - p.blackLevelOffset) / Math.max(sceneLuminance, 1e-9);
    return clamp(need / this.exposureFor(sceneLuminance), p.minGain, p.maxGain);
  }

  /** Denoise strength 0..1 at `gain`: linear between the profile's points, flat beyond them. */
  denoiseFor(gain: number): number {
    const d = this.profile.denoise;
    const first = d[0] as { gain: number; strength: number };
    if (gain <= first.gain) return first.strength;
    for (let i = 1; i < d.length; i++) {
      const b = d[i] as { gain: number; strength: number };
      if (gain <= b.gain) {
        const a = d[i - 1] as { gain: number; strength: number };
        return a.strength + ((b.strength - a.strength) * (gain - a.gain)) / (b.gain - a.gain);
      }
    }
    return (d[d.length - 1] as { strength: number }).strength;
  }

  /** Expected noise σ, DN, of a pixel at `luma` under `gain` (the fitted sensor model). */
  noiseSigmaFor(gain: number, luma: number): number {
    const { readSigma, shotGain } = this.profile.noise;
    return Math.sqrt(readSigma ** 2 + shotGain * gain * Math.max(0, luma - this.blackLevelOffset));
  }
}

/**
 * A profile from bytes the OTA updater already verified (its `onArtefact` callback). Still
 * refuses another kind, a profile for another camera model or firmware, and malformed bytes.
 *
 * @throws IspProfileError `WRONG_KIND`, `INCOMPATIBLE` or `BAD_PROFILE`
 */
export function ispProfileFromArtefact(
  kind: string,
  bytes: Uint8Array,
  manifest: ArtefactManifest,
  cameraModel: string,
  firmware: string,
): NightIspProfile {
  if (kind !== 'isp_profile' || manifest.kind !== 'isp_profile')
    throw new IspProfileError('WRONG_KIND', `artefact is a ${manifest.kind}, not an isp_profile`);
  if (!isCompatible(manifest, cameraModel, firmware))
    throw new IspProfileError(
      'INCOMPATIBLE',
      `profile ${manifest.name} is not for ${cameraModel} ${firmware}`,
    );
  const profile = decodeIspProfile(bytes);
  if (profile.cameraModel !== cameraModel)
    throw new IspProfileError(
      'INCOMPATIBLE',
      `profile is for ${profile.cameraModel}, camera is ${cameraModel}`,
    );
  return new NightIspProfile(profile);
}

/**
 * Verifies an `isp_profile` artefact end to end — manifest shape, Ed25519 signature by a trusted
 * release key, size and SHA-256 of the bytes — then decodes it for this camera.
 *
 * @throws ArtefactError on a bad signature, digest or size; IspProfileError as {@link ispProfileFromArtefact}
 */
export function verifiedIspProfile(
  manifest: unknown,
  signature: string,
  trustedKeys: readonly Uint8Array[],
  bytes: Uint8Array,
  cameraModel: string,
  firmware: string,
): NightIspProfile {
  const m = verifyArtefact(manifest, signature, trustedKeys, bytes);
  return ispProfileFromArtefact(m.kind, bytes, m, cameraModel, firmware);
}

/** A profile object built in memory (tests, the simulator): validated like one from bytes. */
export function nightIspProfile(profile: IspProfile): NightIspProfile {
  return new NightIspProfile(parseIspProfile(profile));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
