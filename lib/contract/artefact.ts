import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '../util/canonicalJson.ts';

/**
 * Over-the-air artefacts (../shared/API.md "Over-the-air artefacts"): models, ISP profiles and
 * conflict-prior tiles, each a byte string described by a signed manifest. This module is the
 * one declaration of the manifest, its canonical bytes and its Ed25519 signature, shared by the
 * cloud (publish, serve) and the camera (verify before use). Portable and synchronous: the
 * camera verifies inside QuickJS, which has neither Web Crypto nor WebAssembly, so hashing is
 * @noble/hashes and the curve is @noble/ed25519 in its sync mode.
 */

// @noble/ed25519 needs a synchronous SHA-512 for its sync API; set once, for every importer.
ed.hashes.sha512 = sha512;

/** What an artefact is. `model`: a BADAS `.onnx`; `isp_profile`: night-vision ISP parameters
 * (JSON); `conflict_priors`: a per-cell prior tile for coverage-aware anticipation. */
export const ARTEFACT_KINDS = ['model', 'isp_profile', 'conflict_priors'] as const;
export type ArtefactKind = (typeof ARTEFACT_KINDS)[number];

/** The route a camera polls for each kind: models on `/v1/models/current`, the rest on `/v1/config/current`. */
export const ARTEFACT_CHANNEL: Readonly<Record<ArtefactKind, 'models' | 'config'>> = {
  model: 'models',
  isp_profile: 'config',
  conflict_priors: 'config',
};

/** Error family of artefact manifests and signatures. */
export class ArtefactError extends Error {
  override readonly name = 'ArtefactError';
  constructor(
    readonly code: 'BAD_MANIFEST' | 'BAD_SIGNATURE' | 'BAD_DIGEST' | 'BAD_SIZE' | 'UNKNOWN_KEY',
    message: string,
  ) {
    super(message);
  }
}

/** The signed description of one artefact version. */
export interface ArtefactManifest {
  /** Manifest format version. */
  schema: 1;
  kind: ArtefactKind;
  /** A stable name within the kind, e.g. `badas-anticipation`, `isp-night-cm-a`. */
  name: string;
  /** Semantic version, e.g. `1.2.0`. */
  version: string;
  /** SHA-256 of the artefact's bytes, lowercase hex. */
  sha256: string;
  /** Length of the artefact's bytes. */
  size: number;
  /** Which cameras may run it: camera models (`*` for any) and firmware versions (inclusive bounds, semver). */
  compatibility: { cameraModels: string[]; minFirmware?: string; maxFirmware?: string };
  /** What it was trained or calibrated from: free-form facts (data set, rows, cameras, AP…). */
  provenance: Record<string, string | number | boolean>;
  /** When it was built, RFC 3339. */
  createdAt: string;
  /** Which release key signed it: the first 16 hex digits of SHA-256 of the public key. */
  keyId: string;
}

/** What `GET /v1/models/current` and `GET /v1/config/current` answer (API.md). */
export interface ArtefactOffer {
  kind: ArtefactKind;
  version: string;
  sha256: string;
  size: number;
  url: string;
  /** Ed25519 signature over {@link manifestBytes} of `manifest`, lowercase hex. */
  signature: string;
  manifest: ArtefactManifest;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of a hex string; throws on odd length or a non-hex digit. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text))
    throw new ArtefactError('BAD_MANIFEST', 'not a hex string');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** SHA-256 of bytes, lowercase hex (synchronous, portable). */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** The bytes a signature covers: the manifest's canonical JSON, UTF-8. */
export function manifestBytes(manifest: ArtefactManifest): Uint8Array {
  return utf8(canonicalJson(manifest));
}

/** The id of a release public key: the first 16 hex digits of its SHA-256. */
export function keyIdOf(publicKey: Uint8Array): string {
  return sha256Hex(publicKey).slice(0, 16);
}

/** The Ed25519 public key of a 32-byte secret seed. */
export function publicKeyOf(secretSeed: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretSeed);
}

/**
 * Signs a manifest with a release key (a 32-byte Ed25519 seed); returns the signature, hex.
 * The manifest's `keyId` must name that key, so a verifier can pick the right trusted key.
 */
export function signManifest(manifest: ArtefactManifest, secretSeed: Uint8Array): string {
  const expected = keyIdOf(publicKeyOf(secretSeed));
  if (manifest.keyId !== expected)
    throw new ArtefactError(
      'UNKNOWN_KEY',
      `manifest keyId ${manifest.keyId} is not the signing key's ${expected}`,
    );
  return toHex(ed.sign(manifestBytes(manifest), secretSeed));
}

/**
 * Checks a manifest's shape, that `signature` is a valid Ed25519 signature by one of the
 * `trustedKeys` (raw 32-byte public keys) named by its `keyId`, and, when `bytes` are given,
 * that they match its size and SHA-256. Throws {@link ArtefactError} on the first failure;
 * returns the manifest, typed, when everything holds. Never trust an artefact this rejected.
 */
export function verifyArtefact(
  manifest: unknown,
  signature: string,
  trustedKeys: readonly Uint8Array[],
  bytes?: Uint8Array,
): ArtefactManifest {
  const m = parseManifest(manifest);
  const key = trustedKeys.find((k) => keyIdOf(k) === m.keyId);
  if (!key) throw new ArtefactError('UNKNOWN_KEY', `no trusted release key with id ${m.keyId}`);
  let ok = false;
  try {
    ok = /^[0-9a-f]{128}$/.test(signature) && ed.verify(fromHex(signature), manifestBytes(m), key);
  } catch {
    ok = false;
  }
  if (!ok) throw new ArtefactError('BAD_SIGNATURE', `signature does not verify for ${m.kind} ${m.version}`);
  if (bytes) {
    if (bytes.length !== m.size)
      throw new ArtefactError('BAD_SIZE', `artefact is ${bytes.length} bytes, manifest says ${m.size}`);
    if (sha256Hex(bytes) !== m.sha256)
      throw new ArtefactError('BAD_DIGEST', 'artefact SHA-256 does not match');
  }
  return m;
}

/** Validates the shape of an untrusted manifest (no signature check); throws `BAD_MANIFEST`. */
export function parseManifest(value: unknown): ArtefactManifest {
  const bad = (field: string) => new ArtefactError('BAD_MANIFEST', `manifest.${field} is missing or invalid`);
  if (!value || typeof value !== 'object') throw bad('(root)');
  const m = value as Record<string, unknown>;
  if (m.schema !== 1) throw bad('schema');
  if (!ARTEFACT_KINDS.includes(m.kind as ArtefactKind)) throw bad('kind');
  if (typeof m.name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(m.name)) throw bad('name');
  if (typeof m.version !== 'string' || !SEMVER.test(m.version)) throw bad('version');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw bad('sha256');
  if (typeof m.size !== 'number' || !Number.isInteger(m.size) || m.size < 0) throw bad('size');
  const c = m.compatibility as Record<string, unknown> | undefined;
  if (!c || !Array.isArray(c.cameraModels) || !c.cameraModels.every((x) => typeof x === 'string'))
    throw bad('compatibility.cameraModels');
  for (const f of ['minFirmware', 'maxFirmware'] as const)
    if (c[f] !== undefined && (typeof c[f] !== 'string' || !SEMVER.test(c[f] as string)))
      throw bad(`compatibility.${f}`);
  if (!m.provenance || typeof m.provenance !== 'object' || Array.isArray(m.provenance))
    throw bad('provenance');
  if (typeof m.createdAt !== 'string') throw bad('createdAt');
  if (typeof m.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(m.keyId)) throw bad('keyId');
  return value as ArtefactManifest;
}

const SEMVER = /^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,32})?$/;

/** Compares two semantic versions by their numeric parts (pre-release sorts before release). */
export function compareVersions(a: string, b: string): number {
  const [ca, pa] = a.split('-', 2) as [string, string | undefined];
  const [cb, pb] = b.split('-', 2) as [string, string | undefined];
  const na = ca.split('.').map(Number);
  const nb = cb.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (na[i] !== nb[i]) return (na[i] ?? 0) - (nb[i] ?? 0);
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}

/** Whether a camera of `cameraModel` on `firmware` may run the artefact. */
export function isCompatible(manifest: ArtefactManifest, cameraModel: string, firmware: string): boolean {
  const c = manifest.compatibility;
  if (!c.cameraModels.includes('*') && !c.cameraModels.includes(cameraModel)) return false;
  if (c.minFirmware && compareVersions(firmware, c.minFirmware) < 0) return false;
  if (c.maxFirmware && compareVersions(firmware, c.maxFirmware) > 0) return false;
  return true;
}

/** UTF-8 bytes of a string without TextEncoder (absent on QuickJS). */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Largest artefact published inline (base64 in the JSON body). Lambda takes at most 6 MB per
 * synchronous request (Lambda quotas, "Invocation payload"); base64 inflates by 4/3, so 4 MiB of
 * bytes is what fits with the manifest beside it. Larger ones go through an upload URL.
 */
export const MAX_INLINE_ARTEFACT_BYTES = 4 * 1024 * 1024;
/** Largest artefact at all (issue 12): a BADAS model or a priors tile is far below it. */
export const MAX_ARTEFACT_BYTES = 20 * 1024 * 1024;
