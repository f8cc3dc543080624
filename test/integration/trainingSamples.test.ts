import { randomUUID } from 'node:crypto';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADAS_FEATURE_NAMES } from '../../edge/badas/features.ts';
import { TrainingSampleStore } from '../../functions/adapters/trainingSampleStore.ts';
import { createDeletionWorker } from '../../functions/stream/deletionWorker.ts';
import { gatherTrainingSet } from '../../lib/learning/trainingSet.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let store: TrainingSampleStore;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  store = new TrainingSampleStore(stack.deps.clients.ddb, stack.deps.names.insightsRawTable, () =>
    Date.now(),
  );
});
afterAll(async () => {
  await stack.stop();
});

const CELL_A = latLngToCell(40.44, -79.99, 7);
const CELL_B = latLngToCell(40.6, -80.3, 7);
const FEATURES = BADAS_FEATURE_NAMES.length;

/** A `training_sample` as a camera sends it: a coarse cell, the hour, no identifier. */
function sample(cell: string) {
  const [lat, lng] = cellToLatLng(cell);
  const hourMs = Math.floor((Date.now() - 3600_000) / 3600_000) * 3600_000;
  return {
    id: randomUUID(),
    type: 'training_sample',
    ts: new Date(hourMs).toISOString(),
    lat,
    lng,
    cell,
    trigger: 'alert',
    label: 1,
    features: Array.from({ length: FEATURES }, (_, i) => i * 10),
    score: 0.7,
    modelVersion: 'badas-anticipation-1.1.0',
    keptShare: 1,
  };
}

describe('training samples through the emulators', () => {
  const inA: { deviceId: string; token: string }[] = [];

  it('stores each uploaded sample once, and admits a (cell, day) only with at least 5 cameras', async () => {
    for (const [cell, cameras] of [
      [CELL_A, 5],
      [CELL_B, 4],
    ] as const) {
      for (let c = 0; c < cameras; c++) {
        const cam = await api.camera();
        if (cell === CELL_A) inA.push(cam);
        const body = batch([sample(cell)]);
        for (let attempt = 0; attempt < 2; attempt++) {
          // The second post is the camera's retry of the same batch: a duplicate, stored once.
          const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
          expect(res.status).toBe(202);
        }
      }
    }
    const stored = await eventually(async () => {
      const all = await store.list();
      return all.length >= 9 ? all : undefined;
    });
    expect(stored).toHaveLength(9);
    const set = gatherTrainingSet(stored, { featureCount: FEATURES });
    expect(set.samples).toHaveLength(5);
    expect(set.withheldSamples).toBe(4);
    expect(set.groups.find((g) => g.cell === CELL_A)).toMatchObject({ cameras: 5, admitted: true });
    expect(set.groups.find((g) => g.cell === CELL_B)).toMatchObject({ cameras: 4, admitted: false });
  });

  it("erases a device's samples on a deletion request, which drops its cell below k", async () => {
    const res = await api.request('POST', '/v1/privacy/deletion', { token: inA[0]!.token });
    expect(res.status).toBe(202);
    await createDeletionWorker(stack.deps)();
    const status = await api.request('GET', `/v1/privacy/deletion/${res.body.requestId}`, {
      token: inA[0]!.token,
    });
    expect(status.body.status).toBe('done');
    const left = await store.list();
    expect(left).toHaveLength(8);
    const set = gatherTrainingSet(left, { featureCount: FEATURES });
    expect(set.samples).toHaveLength(0);
  });
});
