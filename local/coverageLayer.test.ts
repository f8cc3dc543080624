import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageLayer } from './coverageLayer.ts';
import { type LocalStackHandle, startLocalStack } from './localStack.ts';

let stack: LocalStackHandle;
beforeAll(async () => {
  stack = await startLocalStack({ deletionWorkerIntervalMs: 0, extra: (s) => coverageLayer(s.deps) });
});
afterAll(async () => {
  await stack.stop();
});

describe('map coverage layer', () => {
  it('draws the motorway cells of the bundled network, none covered before any driving', async () => {
    const res = await fetch(`${stack.url}/map/coverage.json?class=motorway`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      features: { properties: { covered: boolean } }[];
      properties: { roadKm: number; share: number };
    };
    expect(body.features.length).toBeGreaterThan(300);
    expect(body.features.every((f) => f.properties.covered === false)).toBe(true);
    expect(body.properties.roadKm).toBeGreaterThan(90);
    expect(body.properties.share).toBe(0);
  });

  it('refuses an unknown road class', async () => {
    expect((await fetch(`${stack.url}/map/coverage.json?class=footway`)).status).toBe(400);
  });
});
