/**
 * Who may do what: the authorisation matrix of the HTTP API, read off the routes declared once
 * in `lib/api/functions.ts`. `authorize` in `functions/http/auth.ts` is the only place it is
 * enforced; the integration test walks it cell by cell (every route × every role) through the
 * real HTTP API.
 */
import { ROUTES } from '../api/functions.ts';

/** The roles a caller can hold. There is deliberately no advertiser role. */
export const ROLES = ['device', 'public', 'insurer', 'operator', 'legal'] as const;
export type Role = (typeof ROLES)[number];

/** Error family of authorisation decisions. */
export class AuthzError extends Error {
  override readonly name = 'AuthzError';
  constructor(
    readonly code: 'UNKNOWN_ROUTE' | 'ROLE_DENIED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Route key (`METHOD /path/template`, as API Gateway names routes) → roles allowed, read off the
 * routes declared in `lib/api/functions.ts`. The policy they follow:
 * - Devices send data and manage only their own consent, deletion and nothing else.
 * - Insurers see k-anonymous insights only; never raw events, never per-device data.
 * - Operators run the service; they can reach raw data only through a legal request that a
 *   second operator approved (`/v1/legal/...`), never directly.
 * - Legal staff record requests and fetch approved exports; they cannot approve their own.
 * A route missing here is denied to everyone (deny by default).
 */
export const AUTHZ_MATRIX: Readonly<Record<string, readonly Role[]>> = Object.fromEntries(
  ROUTES.map((r) => [`${r.method} ${r.path}`, r.roles]),
);

/** The roles allowed on a route; throws `UNKNOWN_ROUTE` for a route the matrix does not list. */
export function rolesFor(routeKey: string): readonly Role[] {
  const roles = AUTHZ_MATRIX[routeKey];
  if (!roles) throw new AuthzError('UNKNOWN_ROUTE', `no authorisation entry for ${routeKey}`);
  return roles;
}

/**
 * Whether `role` may call `routeKey`. A public route admits every role (a credential never
 * takes rights away); an unknown route admits none.
 *
 * @example isAllowed('insurer', 'GET /v1/insights/segments') // true
 */
export function isAllowed(role: Role, routeKey: string): boolean {
  const roles = AUTHZ_MATRIX[routeKey];
  return roles !== undefined && (roles.includes(role) || roles.includes('public'));
}
