import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { PROBLEM_TYPES } from '../../lib/contract/problem.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { type AuthDeps, requireOperator } from './auth.ts';
import { HttpError, httpHandler, json } from './httpKit.ts';

/** `GET /v1/ops/stats` (operator): counts since start, so nothing stuck or lost goes unseen. */
export function createOpsStatsHandler(deps: AuthDeps & Pick<AppDeps, 'stats'>) {
  return httpHandler(async (event) => {
    await requireOperator(event, deps);
    return json(200, await deps.stats.read(), { 'cache-control': 'no-store' });
  });
}

/** `GET /healthz`: 200 when the stream and every table answer, 503 naming the one that does not. */
export function createHealthHandler(deps: Pick<AppDeps, 'clients' | 'names'>) {
  return httpHandler(async () => {
    const tables = Object.entries(deps.names).filter(([k]) => k.endsWith('Table'));
    const checks = [
      ...tables.map(([, name]) => deps.clients.ddb.send(new DescribeTableCommand({ TableName: name }))),
      deps.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: deps.names.telemetryStream })),
    ];
    const results = await Promise.allSettled(checks);
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [i < tables.length ? tables[i]![1] : deps.names.telemetryStream] : [],
    );
    if (failed.length > 0) {
      throw new HttpError(
        503,
        PROBLEM_TYPES.unavailable,
        'Unavailable',
        `not answering: ${failed.join(', ')}`,
      );
    }
    return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
  });
}

export const statsHandler = lambdaEntry(createOpsStatsHandler, 'opsStats');
export const healthHandler = lambdaEntry(createHealthHandler, 'health');
