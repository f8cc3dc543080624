import { dayKeyName } from '../../lib/privacy/dayPseudonyms.ts';
import { type Pseudonym, pseudonymOf } from '../../lib/privacy/pseudonym.ts';
import { DAY_KEY_RETENTION_S } from '../adapters/identityStore.ts';
import type { AppDeps } from '../runtime/deps.ts';

/** What deriving a device's pseudonym needs: the day keys, a keyed hash and randomness. */
export type PseudonymDeps = Pick<AppDeps, 'identity' | 'hmac' | 'randomBytes'>;

/** A fresh random period key (256 bits). */
export function newPeriodKey(deps: Pick<AppDeps, 'randomBytes'>): string {
  return Buffer.from(deps.randomBytes(32)).toString('base64url');
}

/** The device's pseudonym of a UTC day, creating the day's key on first use (TTL 30 days). */
export async function pseudonymFor(deps: PseudonymDeps, deviceId: string, day: string): Promise<Pseudonym> {
  const expiresAtS = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + DAY_KEY_RETENTION_S;
  const dayKey = await deps.identity.periodKey(dayKeyName(day), () => newPeriodKey(deps), expiresAtS);
  return pseudonymOf(deviceId, day, dayKey, deps.hmac);
}

/**
 * The subject of a device's rate-limit counters on a day: keyed under the day key like the
 * pseudonym but with its own label, so counters (which live minutes) share no value with the
 * dataset and a deletion has nothing of them to find.
 */
export async function rateSubjectFor(deps: PseudonymDeps, deviceId: string, day: string): Promise<string> {
  await pseudonymFor(deps, deviceId, day); // ensures the day key exists
  const dayKey = await deps.identity.periodKey(dayKeyName(day), () => newPeriodKey(deps), undefined);
  return deps.hmac(dayKey, `rate|${day}|${deviceId}`).slice(0, 32);
}
