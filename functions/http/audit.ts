import { verifyChain } from '../../lib/audit/hashChain.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { type AuthDeps, requireOperator } from './auth.ts';
import { httpHandler, json } from './httpKit.ts';

/**
 * `GET /v1/ops/audit/verify` (operator): reads the whole chain and recomputes every hash.
 * 200 with `{ ok: true, entries, head }` or `{ ok: false, entries, brokenAtSeq, reason }`.
 * Publishing `head` elsewhere (a ticket, an email) anchors the chain against a wholesale rewrite.
 */
export function createAuditVerifyHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    await requireOperator(event, deps);
    const verdict = verifyChain(await deps.audit.all(), deps.sha256);
    return json(200, verdict, { 'cache-control': 'no-store' });
  });
}

export const handler = lambdaEntry(createAuditVerifyHandler, 'auditVerify');
