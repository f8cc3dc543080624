import { timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../runtime/deps.ts';
import { bearerToken, type HttpEvent, unauthorized } from './httpKit.ts';

/** The device behind the request's bearer token; 401 when there is none or it is unknown. */
export async function authenticateDevice(
  event: HttpEvent,
  deps: AppDeps,
): Promise<{ deviceId: string; tokenHash: string; network: boolean }> {
  const token = bearerToken(event);
  if (!token) throw unauthorized('missing bearer token');
  const tokenHash = deps.sha256(token);
  const grant = await deps.identity.tokenGrant(tokenHash);
  if (!grant) throw unauthorized('unknown or revoked device token');
  return { ...grant, tokenHash };
}

/** Checks the operator credential; 401 when missing or wrong (compared in constant time). */
export async function requireOperator(event: HttpEvent, deps: AppDeps): Promise<void> {
  const token = bearerToken(event);
  if (!token) throw unauthorized('missing operator bearer token');
  const expected = Buffer.from(deps.sha256(await deps.operatorToken()));
  const given = Buffer.from(deps.sha256(token));
  if (!timingSafeEqual(expected, given)) throw unauthorized('wrong operator token');
}
