import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dashnet-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('dashnet serve --data-dir', () => {
  const site = { lat: 40.4417, lng: -79.9901 };
  const options = {
    dataDir,
    hazardRule: 'count' as const,
    hazardMinCameras: 10,
    esm: { maxBatchingWindowS: 0.1 },
  };

  it('keeps every accepted event across a stop right after accepting it, and a restart', async () => {
    const first = await startLocalStack(options);
    const api = new ApiClient(first.url, first.operatorToken);
    expect(readFileSync(join(dataDir, 'operator-token'), 'utf8').trim()).toBe(first.operatorToken);
    for (let i = 0; i < 10; i++) {
      const cam = await api.camera();
      const res = await api.request('POST', '/v1/telemetry', {
        token: cam.token,
        body: batch([hardBrake({ ...offset(site.lat, site.lng, i * 8, 0) })]),
      });
      expect(res.status).toBe(202);
    }
    // Stop at once: the stream is drained before the emulators close.
    await first.stop();

    const second = await startLocalStack({ ...options, operatorToken: first.operatorToken });
    const again = new ApiClient(second.url, second.operatorToken);
    try {
      const stats = await eventually(async () => {
        const s = (await again.stats()).body;
        return s.processed >= 10 ? s : undefined;
      });
      expect(stats.accepted).toBe(10);
      expect(stats.processed).toBe(10);
      const hazards = await again.request('GET', `/v1/hazards?lat=${site.lat}&lng=${site.lng}&radiusM=500`);
      expect(hazards.body.features).toHaveLength(1);
      expect(hazards.body.features[0].properties.cameras).toBe(10);
    } finally {
      await second.stop();
    }
  });
});
