import { readdirSync, readFileSync } from 'node:fs';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent } from '../functions/http/httpKit.ts';
import { createAggregatorHandler, HTTP_FACTORIES } from '../functions/registry.ts';
import { ROUTES } from '../lib/api/functions.ts';
import { eventSchema } from '../lib/contract/events.ts';
import { telemetryEnvelopeSchema } from '../lib/contract/telemetry.ts';
import { validateBatch } from '../lib/ingest/validateBatch.ts';
import { localContext } from '../local/esmRunner.ts';
import { type LocalStackHandle, startLocalStack } from '../local/localStack.ts';
import { ApiClient } from '../test/apiClient.ts';

const load = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

describe('sample telemetry payloads', () => {
  it('validates every event of the valid batch against the contract', () => {
    const batch = load('./telemetry/valid-batch.json');
    expect(telemetryEnvelopeSchema.safeParse(batch).success).toBe(true);
    for (const e of batch.events) expect(eventSchema.safeParse(e).success).toBe(true);
  });

  it('keeps one event of the mixed batch and rejects three', () => {
    const batch = load('./telemetry/invalid-mixed-batch.json');
    const r = validateBatch(batch.events, Date.parse(batch.sentAt));
    expect(r.valid).toHaveLength(1);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2, 3]);
  });

  it('rejects the invalid envelope', () => {
    expect(telemetryEnvelopeSchema.safeParse(load('./telemetry/invalid-envelope.json')).success).toBe(false);
  });
});

describe('sample Lambda events invoke the real handlers on the local stack', () => {
  let stack: LocalStackHandle;
  let api: ApiClient;
  let insurerKey: string;
  const expected = load('./apigw/expected-status.json') as Record<string, number>;
  const files = readdirSync(new URL('./apigw/', import.meta.url)).filter(
    (f) => f.endsWith('.json') && f !== 'expected-status.json',
  );

  beforeAll(async () => {
    stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 } });
    api = new ApiClient(stack.url, stack.operatorToken);
    const insurer = await api.request('POST', '/v1/insurers', {
      token: stack.operatorToken,
      body: { name: 'Sample' },
    });
    insurerKey = insurer.body.apiKey;
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** The sample with real credentials (a fresh device each time) and recent timestamps. */
  async function prepare(event: HttpEvent): Promise<HttpEvent> {
    const device = await api.camera();
    const text = JSON.stringify(event)
      .replaceAll('DEVICE_TOKEN', device.token)
      .replaceAll('DEVICE_ID', device.deviceId)
      .replaceAll('OPERATOR_TOKEN', stack.operatorToken)
      .replaceAll('INSURER_KEY', insurerKey)
      .replaceAll('2026-05-04T08:', new Date(Date.now() - 3600_000).toISOString().slice(0, 14));
    return JSON.parse(text) as HttpEvent;
  }

  it('has a sample API Gateway event for every route, each with its expected status', () => {
    const sampled = new Set(files.map((f) => (load(`./apigw/${f}`) as HttpEvent).routeKey));
    for (const r of ROUTES) expect(sampled, `${r.method} ${r.path}`).toContain(`${r.method} ${r.path}`);
    expect(Object.keys(expected).sort()).toEqual([...files].sort());
  });

  for (const file of files) {
    it(`answers ${file} as its route promises`, async () => {
      const event = await prepare(load(`./apigw/${file}`));
      const route = ROUTES.find((r) => `${r.method} ${r.path}` === event.routeKey);
      expect(route).toBeDefined();
      const handler = HTTP_FACTORIES[route!.fn](stack.deps);
      const res = await handler(event, localContext(route!.fn));
      expect(res.statusCode, String(res.body)).toBe(expected[file]);
    });
  }

  it('processes the sample Kinesis event and sends the poison record to the failure destination', async () => {
    const handler = createAggregatorHandler(stack.deps);
    const clean = await handler(
      load('./kinesis/aggregator.json') as KinesisStreamEvent,
      localContext('aggregator'),
    );
    expect(clean).toEqual({ batchItemFailures: [] });
    const sink = stack.deps.failureSink as unknown as { entries: { records: unknown[] }[] };
    const before = sink.entries.length;
    const mixed = await handler(
      load('./kinesis/aggregator-with-poison.json') as KinesisStreamEvent,
      localContext('aggregator'),
    );
    expect(mixed).toEqual({ batchItemFailures: [] });
    expect(sink.entries.length).toBe(before + 1);
    expect(sink.entries.at(-1)!.records).toHaveLength(1);
  });
});
