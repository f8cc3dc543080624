import { timingSafeEqual } from 'node:crypto';
import { isAllowed, type Role, rolesFor } from '../../lib/auth/authzMatrix.ts';
import { PROBLEM_TYPES } from '../../lib/contract/problem.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { RateLimits } from '../adapters/rateLimiter.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { bearerToken, forbidden, HttpError, type HttpEvent, header, unauthorized } from './httpKit.ts';
import { type PseudonymDeps, rateSubjectFor } from './pseudonymFor.ts';

/** The authenticated caller. `id` is a device id, insurer id, staff id, `root` or `anonymous`. */
export type Principal =
  | { role: 'device'; id: string; tokenHash: string; network: boolean }
  | { role: 'insurer'; id: string; regions?: number[][] }
  | { role: 'operator' | 'legal'; id: string }
  | { role: 'public'; id: 'anonymous' };

/**
 * What authorisation needs: the identity store (tokens, staff, insurers, day keys), the rate
 * limiter, the operator secret, hashing and the clock. Insurer queries are audited as well.
 */
export type AuthDeps = PseudonymDeps & Pick<AppDeps, 'rateLimiter' | 'operatorToken' | 'sha256' | 'clock'>;

/** Credential prefixes: they tell which store to ask, so one request costs at most one lookup. */
export const TOKEN_PREFIX = { device: 'dnd_', staff: 'dns_', insurer: 'dni_', operator: 'dno_' } as const;

/**
 * The one place the authorisation matrix is enforced. Resolves the caller from the
 * credentials the route's roles accept (device / staff bearer token, the operator token,
 * an insurer's `x-api-key`), then checks the matrix for the request's route:
 * 401 when no acceptable credential is presented, 403 when the caller's role is not allowed.
 * Devices and insurers are rate limited here too (429 + Retry-After), one write per request.
 */
export async function authorize(
  event: HttpEvent,
  deps: AuthDeps,
  routeKey = event.routeKey,
): Promise<Principal> {
  let roles: readonly Role[];
  try {
    roles = rolesFor(routeKey);
  } catch {
    throw forbidden(`no role may call ${routeKey}`);
  }
  if (roles.includes('public')) return { role: 'public', id: 'anonymous' };
  // Failed credentials are counted per source address on the routes whose functions hold the
  // RateLimits table (device and insurer routes; operator and legal routes are bounded by
  // their gateway throttle, cdk/constructs/HttpApi.ts). A source over its limit is refused
  // before its credential is judged, right or wrong: otherwise a guesser would still learn
  // from a 2xx which guess was right. The check runs beside the credential lookup, so it adds
  // a read but no latency.
  const source =
    roles.includes('device') || roles.includes('insurer') ? sourceSubject(event, deps) : undefined;
  const [principal, lock] = await Promise.all([
    resolvePrincipal(event, deps, roles),
    source ? deps.rateLimiter.exhausted('authFailure', source, deps.clock()) : undefined,
  ]);
  if (lock && !lock.allowed) throw tooManyFailures(deps, lock.retryAfterS);
  if (!principal) {
    if (source && presentsCredential(event, roles)) {
      const decision = await deps.rateLimiter.hit('authFailure', source, deps.clock());
      if (!decision.allowed) throw tooManyFailures(deps, decision.retryAfterS);
    }
    throw unauthorized(`${routeKey} needs a credential of: ${roles.join(', ')}`);
  }
  if (!isAllowed(principal.role, routeKey))
    throw forbidden(`role ${principal.role} may not call ${routeKey}`);
  if (principal.role === 'device') {
    // Keyed by a per-day keyed hash, never the device id: the counters table stays unlinkable.
    const day = utcDay(deps.clock());
    await enforceRate(deps, 'device', await rateSubjectFor(deps, principal.id, day));
  } else if (principal.role === 'insurer') {
    await enforceRate(deps, 'insurer', principal.id);
  }
  return principal;
}

async function enforceRate(deps: AuthDeps, kind: keyof RateLimits, subject: string): Promise<void> {
  const decision = await deps.rateLimiter.hit(kind, subject, deps.clock());
  if (!decision.allowed) {
    const { limit, windowS } = deps.rateLimiter.limitOf(kind);
    throw new HttpError(
      429,
      PROBLEM_TYPES.rateLimited,
      'Too many requests',
      `rate limit of ${limit} requests per ${windowS} s`,
      undefined,
      { 'retry-after': String(decision.retryAfterS) },
    );
  }
}

function tooManyFailures(deps: AuthDeps, retryAfterS: number): HttpError {
  const { limit, windowS } = deps.rateLimiter.limitOf('authFailure');
  return new HttpError(
    429,
    PROBLEM_TYPES.rateLimited,
    'Too many requests',
    `more than ${limit} failed credentials from this address in ${windowS} s`,
    undefined,
    { 'retry-after': String(retryAfterS) },
  );
}

/**
 * The counter subject of a request's source address: its SHA-256, never the address (the
 * access logs leave addresses out too: a camera's address over time is a location trace).
 * Counters are written only for failed credentials and expire minutes after their window.
 */
function sourceSubject(event: HttpEvent, deps: AuthDeps): string {
  const ip = event.requestContext?.http?.sourceIp ?? 'unknown';
  return deps.sha256(`source|${ip}`).slice(0, 32);
}

/** Whether the request carries a credential of a kind the route accepts (a guess, if wrong). */
function presentsCredential(event: HttpEvent, roles: readonly Role[]): boolean {
  if (roles.includes('insurer') && header(event, 'x-api-key')) return true;
  const bearerRoles: readonly Role[] = ['device', 'operator', 'legal'];
  return roles.some((r) => bearerRoles.includes(r)) && bearerToken(event) !== undefined;
}

async function resolvePrincipal(
  event: HttpEvent,
  deps: AuthDeps,
  roles: readonly Role[],
): Promise<Principal | undefined> {
  const apiKey = header(event, 'x-api-key');
  if (apiKey && roles.includes('insurer')) {
    const ins = await deps.identity.credential('APIKEY', deps.sha256(apiKey));
    if (ins?.role === 'insurer')
      return { role: 'insurer', id: ins.id, ...(ins.regions ? { regions: ins.regions } : {}) };
  }
  const token = bearerToken(event);
  if (!token) return undefined;
  if (token.startsWith(TOKEN_PREFIX.device)) {
    const grant = await deps.identity.tokenGrant(deps.sha256(token));
    return grant
      ? { role: 'device', id: grant.deviceId, network: grant.network, tokenHash: deps.sha256(token) }
      : undefined;
  }
  if (token.startsWith(TOKEN_PREFIX.staff)) {
    const staff = await deps.identity.credential('STAFF', deps.sha256(token));
    if (staff?.role === 'operator' || staff?.role === 'legal') return { role: staff.role, id: staff.id };
    return undefined;
  }
  if (roles.includes('operator') && (await isRootOperator(token, deps)))
    return { role: 'operator', id: 'root' };
  return undefined;
}

async function isRootOperator(token: string, deps: AuthDeps): Promise<boolean> {
  // Compared as hashes in constant time: equal lengths, and no timing leak of the secret.
  const expected = Buffer.from(deps.sha256(await deps.operatorToken()));
  return timingSafeEqual(expected, Buffer.from(deps.sha256(token)));
}

/** The device behind the request's bearer token; 401 when there is none or it is unknown. */
export async function authenticateDevice(
  event: HttpEvent,
  deps: AuthDeps,
): Promise<{ deviceId: string; tokenHash: string; network: boolean }> {
  const p = await authorize(event, deps);
  if (p.role !== 'device') throw forbidden('a device token is required');
  return { deviceId: p.id, tokenHash: p.tokenHash, network: p.network };
}

/** Checks the operator credential (root token or an operator staff token); 401 when missing or wrong. */
export async function requireOperator(event: HttpEvent, deps: AuthDeps): Promise<Principal> {
  const p = await authorize(event, deps);
  if (p.role !== 'operator') throw forbidden('an operator credential is required');
  return p;
}

/** The insurer behind `x-api-key` (rate limited per key, query audited); 401 when missing or unknown. */
export async function requireInsurer(
  event: HttpEvent,
  deps: AuthDeps & Pick<AppDeps, 'audit'>,
): Promise<Extract<Principal, { role: 'insurer' }>> {
  const p = await authorize(event, deps);
  if (p.role !== 'insurer') throw forbidden('an insurer API key is required');
  // Every insurer query is audited (who, which route, with which parameters).
  await deps.audit.append({
    at: isoOf(deps.clock()),
    actor: { role: 'insurer', id: p.id },
    action: 'insurer.query',
    target: event.routeKey,
    ...(event.rawQueryString ? { details: { query: event.rawQueryString.slice(0, 500) } } : {}),
  });
  return p;
}
