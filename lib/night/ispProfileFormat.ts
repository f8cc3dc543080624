import { canonicalJson } from '../util/canonicalJson.ts';

/**
 * The night ISP profile: what the cloud's calibration ships (artefact kind `isp_profile`) and
 * what a camera's image pipeline applies after dark. One declaration for both sides; portable
 * (the camera parses it inside QuickJS), so plain checks instead of a schema library.
 *
 * Units: luma in 8-bit digital numbers (DN, 0–255) as the ISP's statistics block reports it;
 * exposure in milliseconds; gain as an analogue multiplier (1 = base ISO).
 */

/** Error family of ISP profiles. */
export class IspProfileError extends Error {
  override readonly name = 'IspProfileError';
  constructor(
    readonly code: 'BAD_PROFILE' | 'WRONG_KIND' | 'INCOMPATIBLE',
    message: string,
  ) {
    super(message);
  }
}

/** One point of the denoise curve: at this analogue gain, this strength (0 = off, 1 = strongest). */
export interface DenoisePoint {
  gain: number;
  strength: number;
}

/** A night ISP profile for one camera model (and the firmware it was calibrated on). */
export interface IspProfile {
  schema: 1;
  cameraModel: string;
  /** Firmware of the reports it was calibrated from. */
  firmware: string;
  /** Pedestal the sensor adds to every pixel, DN: subtract before metering and tone mapping. */
  blackLevelOffset: number;
  /** Auto-exposure target: the mean luma to aim for at night, DN. */
  targetLuma: number;
  minExposureMs: number;
  /** Longest exposure the AE may use (motion blur at speed bounds it). */
  maxExposureMs: number;
  minGain: number;
  /** Highest gain the AE may use: beyond it the noise costs more than the brightness gains. */
  maxGain: number;
  /** The fitted noise model: σ² = readSigma² + shotGain · gain · (luma − black), DN². */
  noise: { readSigma: number; shotGain: number };
  /** Denoise strength against gain, increasing in gain; interpolated linearly between points. */
  denoise: DenoisePoint[];
}

/**
 * The artefact bytes of a profile: canonical JSON with every non-ASCII character escaped, so the
 * bytes are pure ASCII and the camera decodes them without a UTF-8 decoder (QuickJS has no
 * TextDecoder), and the same profile always hashes to the same SHA-256.
 */
export function encodeIspProfile(profile: IspProfile): Uint8Array {
  const text = canonicalJson(parseIspProfile(profile)).replace(
    /[^\x20-\x7e]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * A profile from its artefact bytes (see {@link encodeIspProfile}); throws `BAD_PROFILE` on a
 * non-ASCII byte, bad JSON or a bad field. Check the signature first (`verifyArtefact`).
 */
export function decodeIspProfile(bytes: Uint8Array): IspProfile {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 4096) {
    const chunk = bytes.subarray(i, i + 4096);
    for (const b of chunk)
      if (b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09))
        throw new IspProfileError('BAD_PROFILE', 'profile bytes are not ASCII JSON');
    parts.push(String.fromCharCode(...chunk));
  }
  let json: unknown;
  try {
    json = JSON.parse(parts.join(''));
  } catch {
    throw new IspProfileError('BAD_PROFILE', 'profile bytes are not JSON');
  }
  return parseIspProfile(json);
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validates an untrusted profile's shape and ranges; throws `BAD_PROFILE` naming the field. */
export function parseIspProfile(value: unknown): IspProfile {
  const bad = (field: string) => new IspProfileError('BAD_PROFILE', `profile.${field} is missing or invalid`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('(root)');
  const p = value as Record<string, unknown>;
  if (p.schema !== 1) throw bad('schema');
  for (const f of ['cameraModel', 'firmware'] as const)
    if (typeof p[f] !== 'string' || (p[f] as string).length === 0 || (p[f] as string).length > 64)
      throw bad(f);
  const inRange = (f: string, lo: number, hi: number) => {
    if (!finite(p[f]) || (p[f] as number) < lo || (p[f] as number) > hi) throw bad(f);
  };
  inRange('blackLevelOffset', 0, 64);
  inRange('targetLuma', 1, 255);
  inRange('minExposureMs', 0, 1000);
  inRange('maxExposureMs', 0, 1000);
  inRange('minGain', 0.1, 1024);
  inRange('maxGain', 0.1, 1024);
  if ((p.maxExposureMs as number) < (p.minExposureMs as number)) throw bad('maxExposureMs');
  if ((p.maxGain as number) < (p.minGain as number)) throw bad('maxGain');
  if ((p.targetLuma as number) <= (p.blackLevelOffset as number)) throw bad('targetLuma');
  const n = p.noise as Record<string, unknown> | undefined;
  if (!n || !finite(n.readSigma) || n.readSigma < 0 || !finite(n.shotGain) || n.shotGain < 0)
    throw bad('noise');
  const d = p.denoise;
  if (!Array.isArray(d) || d.length === 0 || d.length > 64) throw bad('denoise');
  let prevGain = Number.NEGATIVE_INFINITY;
  for (const pt of d as unknown[]) {
    const q = pt as Record<string, unknown> | null;
    if (
      !q ||
      !finite(q.gain) ||
      !finite(q.strength) ||
      q.strength < 0 ||
      q.strength > 1 ||
      q.gain <= prevGain
    )
      throw bad('denoise');
    prevGain = q.gain;
  }
  return value as IspProfile;
}
