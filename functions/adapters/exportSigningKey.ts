import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The exports' Ed25519 seed (32 bytes). On AWS: SHA-256 of a Secrets Manager secret the stack
 * generates (a random string; hashing makes any length a valid seed). Locally: a random seed
 * generated once into the data directory beside the operator token, mode 0600.
 */
export function localSigningSeed(file: string): Uint8Array {
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Uint8Array.from(Buffer.from(hex, 'hex'));
  } catch {
    // absent: generated below
  }
  const seed = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${seed.toString('hex')}\n`, { mode: 0o600 });
  return new Uint8Array(seed);
}

/** The seed behind a secret string (see {@link localSigningSeed}). */
export function seedOfSecret(secret: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`dashnet-export-signing|${secret}`).digest());
}

/** Reads the signing secret from Secrets Manager (AWS). */
export async function secretSigningSeed(secretArn: string): Promise<Uint8Array> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!res.SecretString) throw new Error('export signing secret is empty');
  return seedOfSecret(res.SecretString);
}
