import { type Pseudonym, pseudonymOf } from '../../lib/privacy/pseudonym.ts';
import { DAY_KEY_RETENTION_S } from '../adapters/identityStore.ts';
import type { AppDeps } from '../runtime/deps.ts';

/** A fresh random period key (256 bits). */
export function newPeriodKey(deps: AppDeps): string {
  return Buffer.from(deps.randomBytes(32)).toString('base64url');
}

/** The device's pseudonym of a UTC day, creating the day's key on first use (TTL 30 days). */
export async function pseudonymFor(deps: AppDeps, deviceId: string, day: string): Promise<Pseudonym> {
  const expiresAtS = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + DAY_KEY_RETENTION_S;
  const dayKey = await deps.identity.periodKey(`day#${day}`, () => newPeriodKey(deps), expiresAtS);
  return pseudonymOf(deviceId, day, dayKey, deps.hmac);
}
