import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction } from './auditAction.ts';
import { type AuthDeps, requireOperator, TOKEN_PREFIX } from './auth.ts';
import { httpHandler, json, jsonBody, parseWith } from './httpKit.ts';

const staffSchema = z
  .object({ name: z.string().trim().min(1).max(200), role: z.enum(['operator', 'legal']) })
  .strict();

/**
 * `POST /v1/ops/staff` (operator): issues a personal credential to an operator or a legal
 * officer. Personal credentials are what make "approved by a second operator" checkable: the
 * shared root token is one principal (`root`), every staff token another.
 */
export function createStaffHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    const operator = await requireOperator(event, deps);
    const body = parseWith(staffSchema, jsonBody(event, 64 * 1024), 'staff');
    const staffId = randomUUID();
    const token = `${TOKEN_PREFIX.staff}${Buffer.from(deps.randomBytes(32)).toString('base64url')}`;
    await deps.identity.putCredential('STAFF', deps.sha256(token), {
      id: staffId,
      role: body.role,
      name: body.name,
      createdAtMs: deps.clock(),
    });
    await auditAction(deps, operator, 'staff.create', `staff:${staffId}`, { role: body.role });
    return json(201, { staffId, role: body.role, token }, { 'cache-control': 'no-store' });
  });
}

export const handler = lambdaEntry(createStaffHandler, 'staff');
