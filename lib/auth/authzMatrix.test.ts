import { describe, expect, it } from 'vitest';
import { AUTHZ_MATRIX, AuthzError, isAllowed, ROLES, rolesFor } from './authzMatrix.ts';

describe('authorisation matrix', () => {
  it('gives no role the raw data except through the legal routes', () => {
    // `/v1/insights/exports` serves k-anonymous aggregates only (lib/insights/exportTables.ts).
    const rawRoutes = Object.keys(AUTHZ_MATRIX).filter(
      (r) => r.includes('/export') && !r.includes('/v1/insights/exports'),
    );
    expect(rawRoutes).toEqual(['GET /v1/legal/requests/{requestId}/export']);
    expect(rolesFor(rawRoutes[0]!)).not.toContain('insurer');
  });

  it('denies an unknown route to every role', () => {
    for (const role of ROLES) expect(isAllowed(role, 'GET /v1/raw-events')).toBe(false);
    expect(() => rolesFor('GET /v1/raw-events')).toThrow(AuthzError);
  });

  it('admits every role on a public route', () => {
    for (const role of ROLES) expect(isAllowed(role, 'GET /v1/hazards')).toBe(true);
  });

  it('lets only an operator approve a legal request', () => {
    expect(ROLES.filter((r) => isAllowed(r, 'POST /v1/legal/requests/{requestId}/approve'))).toEqual([
      'operator',
    ]);
  });
});
