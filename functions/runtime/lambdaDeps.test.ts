import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENV, TABLES, TELEMETRY_STREAM } from '../../lib/resources.ts';
import { declaredKeys } from './functionDeps.ts';
import { lambdaEntry } from './lambdaDeps.ts';

function stubLambdaEnv(): void {
  for (const t of TABLES) vi.stubEnv(t.envVar, `table-${t.id}`);
  vi.stubEnv(TELEMETRY_STREAM.envVar, 'stream');
  vi.stubEnv(ENV.failureBucket, 'failures');
  vi.stubEnv(ENV.operatorToken, 'dno_test');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
}

describe('lambdaEntry', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("hands a factory given its function's id only that function's declared share, built once", async () => {
    stubLambdaEnv();
    const handed: string[][] = [];
    const entry = lambdaEntry((deps) => {
      handed.push(Object.keys(deps).sort());
      return async () => 'ok';
    }, 'legalExport');
    expect(await entry({}, {} as Context)).toBe('ok');
    expect(await entry({}, {} as Context)).toBe('ok');
    expect(handed).toEqual([[...declaredKeys('legalExport')].sort()]);
    expect(handed[0]).not.toContain('buckets');
  });

  it('hands names restricted to the declared ones', async () => {
    stubLambdaEnv();
    let names: object | undefined;
    const entry = lambdaEntry((deps) => {
      names = deps.names;
      return async () => 'ok';
    }, 'deletionWorker');
    await entry({}, {} as Context);
    expect(names).toEqual({
      bucketsTable: 'table-Buckets',
      ingestTable: 'table-Ingest',
      insightsRawTable: 'table-InsightsRaw',
    });
  });
});
