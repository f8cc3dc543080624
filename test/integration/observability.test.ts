import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../functions/runtime/observability.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, logFormat: 'json' });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await stack.stop();
});

/** The JSON objects this thread printed (stdout and stderr) while `act` ran. */
async function printed(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  lines.length = 0;
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('logs and metrics on the local stack with --log-format json', () => {
  it('emits the accepted and rejected counts of a telemetry POST as one EMF document', async () => {
    const cam = await api.camera();
    const out = await printed(() =>
      api.request('POST', '/v1/telemetry', {
        token: cam.token,
        body: batch([hardBrake(), hardBrake(), { ...hardBrake(), decelMps2: -1 }]),
        headers: { 'x-correlation-id': 'corr-123' },
      }),
    );
    const emf = out.find((o) => o._aws !== undefined && METRIC.accepted in o);
    expect(emf).toBeDefined();
    expect(emf![METRIC.accepted]).toBe(2);
    expect(emf![METRIC.rejected]).toBe(1);
    const directive = (emf!._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
  });

  it('logs an unhandled error as structured JSON with the function, request and correlation ids', async () => {
    const cam = await api.camera();
    await stack.emulators.close();
    let status = 0;
    const out = await printed(async () => {
      const res = await api.request('POST', '/v1/telemetry', {
        token: cam.token,
        body: batch([hardBrake()]),
        headers: { 'x-correlation-id': 'corr-456' },
      });
      status = res.status;
    });
    expect(status).toBe(503);
    const line = out.find((o) => o.message === 'unhandled');
    expect(line).toMatchObject({ level: 'ERROR', service: 'dashnet', correlation_id: 'corr-456' });
    expect(line?.function_name).toBe('telemetry');
    expect(typeof line?.function_request_id).toBe('string');
  });
});
