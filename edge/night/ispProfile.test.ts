import { describe, expect, it } from 'vitest';
import {
  type ArtefactError,
  type ArtefactManifest,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
} from '../../lib/contract/artefact.ts';
import { encodeIspProfile, type IspProfile } from '../../lib/night/ispProfileFormat.ts';
import {
  type IspProfileError,
  ispProfileFromArtefact,
  nightIspProfile,
  sceneLuminanceOf,
  verifiedIspProfile,
} from './ispProfile.ts';

const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
const trusted = [publicKeyOf(seed)];

function profile(overrides: Partial<IspProfile> = {}): IspProfile {
  return {
    schema: 1,
    cameraModel: 'budget-10hz',
    firmware: '2.1.0',
    blackLevelOffset: 16,
    targetLuma: 96,
    minExposureMs: 0.1,
    maxExposureMs: 33,
    minGain: 1,
    maxGain: 12,
    noise: { readSigma: 2, shotGain: 0.05 },
    denoise: [
      { gain: 1, strength: 0.1 },
      { gain: 8, strength: 0.6 },
      { gain: 16, strength: 0.9 },
    ],
    ...overrides,
  };
}

function signed(p: IspProfile, kind: ArtefactManifest['kind'] = 'isp_profile') {
  const bytes = encodeIspProfile(p);
  const manifest: ArtefactManifest = {
    schema: 1,
    kind,
    name: 'isp-night-budget-10hz',
    version: '1.0.0',
    sha256: sha256Hex(bytes),
    size: bytes.length,
    compatibility: { cameraModels: [p.cameraModel], minFirmware: '2.0.0', maxFirmware: '2.9.9' },
    provenance: { cameras: 40 },
    createdAt: '2026-12-01T00:00:00Z',
    keyId: keyIdOf(publicKeyOf(seed)),
  };
  return { bytes, manifest, signature: signManifest(manifest, seed) };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as ArtefactError | IspProfileError).code;
  }
  return undefined;
};

describe('NightIspProfile', () => {
  const isp = nightIspProfile(profile());

  it('uses exposure first, then gain, up to their limits', () => {
    // Bright scene: (96 − 16) / 8 = 10 ms at unit gain.
    expect(isp.exposureFor(8)).toBeCloseTo(10, 6);
    expect(isp.gainFor(8)).toBe(1);
    // Dim: exposure at its limit, gain makes up the rest: 80 / (0.5 · 33) ≈ 4.85.
    expect(isp.exposureFor(0.5)).toBe(33);
    expect(isp.gainFor(0.5)).toBeCloseTo(80 / (0.5 * 33), 6);
    // Very dark: both at their limits.
    expect(isp.gainFor(0.01)).toBe(12);
  });

  it('reaches the target luma for any scene its limits allow', () => {
    for (const lum of [0.3, 1, 5, 40]) {
      const luma = 16 + lum * isp.exposureFor(lum) * isp.gainFor(lum);
      expect(luma).toBeCloseTo(96, 6);
      expect(
        sceneLuminanceOf(luma, isp.exposureFor(lum), isp.gainFor(lum), isp.blackLevelOffset),
      ).toBeCloseTo(lum, 6);
    }
  });

  it('interpolates denoise strength against gain and holds it flat beyond the ends', () => {
    expect(isp.denoiseFor(0.5)).toBe(0.1);
    expect(isp.denoiseFor(4.5)).toBeCloseTo(0.35, 6);
    expect(isp.denoiseFor(64)).toBe(0.9);
    expect(isp.blackLevelOffset).toBe(16);
    expect(isp.noiseSigmaFor(4, 116)).toBeCloseTo(Math.sqrt(4 + 0.05 * 4 * 100), 6);
  });
});

describe('verifiedIspProfile', () => {
  it('accepts a signed profile for this camera', () => {
    const a = signed(profile());
    const isp = verifiedIspProfile(a.manifest, a.signature, trusted, a.bytes, 'budget-10hz', '2.1.0');
    expect(isp.profile).toEqual(profile());
  });

  it('rejects a tampered profile: one changed byte fails the digest', () => {
    const a = signed(profile());
    const text = String.fromCharCode(...a.bytes).replace('"blackLevelOffset":16', '"blackLevelOffset":46');
    const tampered = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(
      codeOf(() => verifiedIspProfile(a.manifest, a.signature, trusted, tampered, 'budget-10hz', '2.1.0')),
    ).toBe('BAD_DIGEST');
  });

  it('rejects a manifest re-pointed at other bytes: the signature no longer verifies', () => {
    const a = signed(profile());
    const evil = encodeIspProfile(profile({ maxGain: 64 }));
    const manifest = { ...a.manifest, sha256: sha256Hex(evil), size: evil.length };
    expect(
      codeOf(() => verifiedIspProfile(manifest, a.signature, trusted, evil, 'budget-10hz', '2.1.0')),
    ).toBe('BAD_SIGNATURE');
  });

  it('rejects an unsigned profile and a key it does not trust', () => {
    const a = signed(profile());
    expect(codeOf(() => verifiedIspProfile(a.manifest, '', trusted, a.bytes, 'budget-10hz', '2.1.0'))).toBe(
      'BAD_SIGNATURE',
    );
    const stranger = [publicKeyOf(Uint8Array.from({ length: 32 }, (_, i) => 99 - i))];
    expect(
      codeOf(() => verifiedIspProfile(a.manifest, a.signature, stranger, a.bytes, 'budget-10hz', '2.1.0')),
    ).toBe('UNKNOWN_KEY');
  });

  it('rejects a profile for another camera model or firmware, and another kind of artefact', () => {
    const a = signed(profile());
    expect(
      codeOf(() => verifiedIspProfile(a.manifest, a.signature, trusted, a.bytes, 'premium-100hz', '2.1.0')),
    ).toBe('INCOMPATIBLE');
    expect(
      codeOf(() => verifiedIspProfile(a.manifest, a.signature, trusted, a.bytes, 'budget-10hz', '3.0.0')),
    ).toBe('INCOMPATIBLE');
    const m = signed(profile(), 'model');
    expect(codeOf(() => ispProfileFromArtefact('model', m.bytes, m.manifest, 'budget-10hz', '2.1.0'))).toBe(
      'WRONG_KIND',
    );
  });

  it('rejects bytes that are not a valid profile even when signed', () => {
    const bad = signed(profile());
    const text = String.fromCharCode(...bad.bytes).replace('"targetLuma":96', '"targetLuma":-1');
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(
      codeOf(() => ispProfileFromArtefact('isp_profile', bytes, bad.manifest, 'budget-10hz', '2.1.0')),
    ).toBe('BAD_PROFILE');
    expect(
      codeOf(() =>
        ispProfileFromArtefact(
          'isp_profile',
          Uint8Array.of(0xff, 0x7b),
          bad.manifest,
          'budget-10hz',
          '2.1.0',
        ),
      ),
    ).toBe('BAD_PROFILE');
  });
});
