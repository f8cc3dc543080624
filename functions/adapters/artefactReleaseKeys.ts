import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../lib/config/env.ts';
import { fromHex, publicKeyOf, toHex } from '../../lib/contract/artefact.ts';
import { ENV } from '../../lib/resources.ts';
import { type ArtefactBlobStore, LocalArtefactBlobStore, S3ArtefactBlobStore } from './artefactBlobStore.ts';

/**
 * The trusted release public keys from `DASHNET_ARTEFACT_TRUSTED_KEYS` (hex, comma-separated).
 * The cloud holds public keys only: releases are signed offline with the release key, so a
 * compromised function can refuse or withhold a release but never forge one (docs/ota.md).
 */
export function trustedKeysOf(value: string | undefined): Uint8Array[] {
  if (!value?.trim()) return [];
  return value.split(',').map((hex) => {
    const h = hex.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(h))
      throw new ConfigError(
        `${ENV.artefactTrustedKeys}: each key must be 64 hex digits (an Ed25519 public key)`,
      );
    return fromHex(h);
  });
}

/** File name of the local stack's release seed, in the artefacts folder of the data directory. */
export const LOCAL_RELEASE_KEY_FILE = 'release-key.seed';

/**
 * The local stack's release seed (32 bytes, hex in a 0600 file), generated on first use like the
 * operator token. Only the local stack keeps a release key next to its data: `dashnet artefact
 * publish` signs with it. On AWS no release key exists in the cloud at all.
 */
export function localReleaseSeed(file: string): Uint8Array {
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return fromHex(hex);
  } catch {
    // absent: generated below
  }
  const seed = new Uint8Array(randomBytes(32));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${toHex(seed)}\n`, { mode: 0o600 });
  return seed;
}

/** What the artefact routes need beyond the registry: the bytes' store and the trusted keys. */
export interface ArtefactChannelDeps {
  blobs: ArtefactBlobStore;
  trustedKeys: readonly Uint8Array[];
}

/**
 * The channel's dependencies from the environment: on AWS the artifacts bucket and the keys the
 * stack was configured with; locally a folder (`DASHNET_ARTEFACTS_DIR`, default
 * `.dashnet/artefacts`) with the local release key, trusted alongside any configured keys.
 */
export function artefactChannelFromEnv(
  env: Record<string, string | undefined> = process.env,
): ArtefactChannelDeps {
  const configured = trustedKeysOf(env[ENV.artefactTrustedKeys]);
  const bucket = env[ENV.artefactsBucket];
  if (bucket) return { blobs: new S3ArtefactBlobStore(bucket), trustedKeys: configured };
  const dir = env[ENV.artefactsDir] ?? join('.dashnet', 'artefacts');
  const seed = localReleaseSeed(join(dir, LOCAL_RELEASE_KEY_FILE));
  // Download URLs are signed with a key derived from the seed, never the seed itself.
  const urlKey = createHash('sha256').update('dashnet-artefact-urls|').update(seed).digest('hex');
  return {
    blobs: new LocalArtefactBlobStore(join(dir, 'files'), urlKey),
    trustedKeys: [...configured, publicKeyOf(seed)],
  };
}
