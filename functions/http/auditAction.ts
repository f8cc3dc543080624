import type { AuditFact } from '../../lib/audit/hashChain.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { AppDeps } from '../runtime/deps.ts';
import type { Principal } from './auth.ts';

/**
 * A reference to a device for the audit log: a hash, so the log names no device id and cannot
 * be joined to the dataset (which holds only per-day keyed pseudonyms), yet an auditor who is
 * given a device id can find the actions about it.
 */
export function deviceRef(deps: Pick<AppDeps, 'sha256'>, deviceId: string): string {
  return `dev:${deps.sha256(`audit-device-ref|${deviceId}`).slice(0, 32)}`;
}

/** Appends an audited action by `actor` to the hash-chained log. */
export async function auditAction(
  deps: Pick<AppDeps, 'audit' | 'clock' | 'sha256'>,
  actor: Principal,
  action: string,
  target?: string,
  details?: AuditFact['details'],
): Promise<void> {
  await deps.audit.append({
    at: isoOf(deps.clock()),
    actor: { role: actor.role, id: actor.role === 'device' ? deviceRef(deps, actor.id) : actor.id },
    action,
    ...(target ? { target } : {}),
    ...(details ? { details } : {}),
  });
}
