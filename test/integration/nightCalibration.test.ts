import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedIspProfile } from '../../edge/night/ispProfile.ts';
import { NightStore } from '../../functions/adapters/nightStore.ts';
import { createNightCalibrationHandler } from '../../functions/scheduled/nightCalibration.ts';
import { createDeletionWorker } from '../../functions/stream/deletionWorker.ts';
import { createInsightsConsumerHandler } from '../../functions/stream/insightsConsumer.ts';
import { publicKeyOf } from '../../lib/contract/artefact.ts';
import { signIspProfileCandidate } from '../../lib/night/calibration.ts';
import { localContext } from '../../local/esmRunner.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { DEFAULT_NIGHT_FLEET, simulateNightFleet } from '../../sim/night/nightFleet.ts';
import { nightSensorModel } from '../../sim/night/nightSensorModels.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch } from '../factories.ts';
import { readStreamRecords } from '../streamRecords.ts';

let stack: LocalStackHandle;
let api: ApiClient;
let store: NightStore;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  store = new NightStore(
    stack.deps.clients.ddb,
    stack.deps.names.insightsRawTable,
    stack.deps.names.insightsTable,
  );
});
afterAll(async () => {
  await stack.stop();
});

const DAY_MS = 86_400_000;
const CAMERAS = 24;
const MODEL = 'premium-100hz';

/** Night observation items in InsightsRaw. */
async function nightRawItems(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await stack.deps.clients.ddb.send(
      new ScanCommand({ TableName: stack.deps.names.insightsRawTable, ExclusiveStartKey: start }),
    );
    out.push(...(res.Items ?? []).filter((i) => String(i.pk).startsWith('night#')));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

describe('night calibration through the emulators', () => {
  const cameras: { token: string }[] = [];
  let sent = 0;

  it('stores each night_scene event once, keyed by its id, from the telemetry API through the insights consumer', async () => {
    // A simulated fleet's reports (true sensor known), re-timed to the last hour so ingest takes them.
    const fleet = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: MODEL,
      cameras: CAMERAS,
      nights: 1,
      roadCells: 25,
      seed: 7,
    });
    // All in one UTC day (the guard counts distinct cameras per day), even when run just after midnight.
    let t0 = Date.now() - 60 * 60_000;
    const spanMs = (DEFAULT_NIGHT_FLEET.reportsPerDrive - 1) * 5 * 60_000;
    if (Math.floor(t0 / DAY_MS) !== Math.floor((t0 + spanMs) / DAY_MS))
      t0 = Math.floor((t0 + spanMs) / DAY_MS) * DAY_MS - spanMs - 60_000;
    for (const record of fleet.records) {
      const cam = await api.camera();
      cameras.push(cam);
      const events = record.events.map((e, i) => ({ ...e, ts: new Date(t0 + i * 5 * 60_000).toISOString() }));
      const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch(events) });
      expect(res.status).toBe(202);
      expect(res.body.accepted).toBe(events.length);
      sent += events.length;
    }
    await eventually(async () => ((await nightRawItems()).length >= sent ? true : undefined));
    expect(await nightRawItems()).toHaveLength(sent);

    // A replay of the whole stream changes nothing: the items are keyed by event id.
    const records = await readStreamRecords(stack);
    await createInsightsConsumerHandler(stack.deps)(
      { Records: records } as KinesisStreamEvent,
      localContext('insights-consumer'),
    );
    expect(await nightRawItems()).toHaveLength(sent);
  });

  it('rolls the day up, calibrates the model from 24 cameras and stores a candidate the camera accepts once signed', async () => {
    const tomorrow = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
    // The scheduled function itself, run an hour into tomorrow (UTC).
    const job = createNightCalibrationHandler({ ...stack.deps, clock: () => tomorrow + 60 * 60_000 });
    const report = await job({}, localContext('night-calibration'));
    expect(report.rolledUp.find((r) => r.observations > 0)?.observations).toBe(sent);
    expect(report.candidates).toMatchObject([{ cameraModel: MODEL, cameras: CAMERAS }]);
    const truth = nightSensorModel(MODEL);
    const [candidate] = await store.candidates({ cameraModel: MODEL, firmware: truth.firmware });
    expect(candidate).toBeDefined();
    if (!candidate) return;
    expect(Math.abs(candidate.profile.blackLevelOffset - truth.blackLevelDn)).toBeLessThan(1.5);
    expect(candidate.provenance).toMatchObject({ cameras: CAMERAS, reports: sent });

    // An operator signs it offline; a camera of the model verifies and applies it.
    const seed = Uint8Array.from({ length: 32 }, (_, i) => 5 + i);
    const a = signIspProfileCandidate(candidate, seed);
    const isp = verifiedIspProfile(
      a.manifest,
      a.signature,
      [publicKeyOf(seed)],
      a.bytes,
      MODEL,
      truth.firmware,
    );
    expect(isp.blackLevelOffset).toBe(candidate.profile.blackLevelOffset);
    expect(isp.gainFor(0.001)).toBe(candidate.profile.maxGain);
  });

  it('stores a day with more bins than one item holds in parts, and reads it back whole', async () => {
    const bins = Array.from({ length: 2345 }, (_, i) => ({
      lighting: 'dark' as const,
      gainBin: i % 17,
      lumaBin: Math.floor(i / 17),
      reports: 1 + (i % 3),
      cameras: 1,
      gain: 2 ** ((i % 17) / 4),
      meanLuma: 4 * Math.floor(i / 17) + 2,
      noiseVar: 10 + i / 100,
      exposureMs: 33,
    }));
    const big = {
      cameraModel: 'wide-bins',
      firmware: '1.0.0',
      day: '2026-02-01',
      cameras: 30,
      reports: 5000,
      bins,
    };
    await store.putDayAggregates([big]);
    // A later fold of the same day with fewer bins: the stale parts must not come back.
    await store.putDayAggregates([{ ...big, day: '2026-02-02' }]);
    await store.putDayAggregates([{ ...big, day: '2026-02-02', bins: bins.slice(0, 10) }]);
    const read = await store.dayAggregates(
      { cameraModel: 'wide-bins', firmware: '1.0.0' },
      '2026-02-01',
      '2026-02-02',
    );
    expect(read.map((a) => [a.day, a.bins.length])).toEqual([
      ['2026-02-01', 2345],
      ['2026-02-02', 10],
    ]);
    expect(read[0]?.bins).toEqual(bins);
  });

  it('erases a camera’s night observations when it asks for deletion', async () => {
    const victim = cameras[0] as { token: string };
    const before = (await nightRawItems()).length;
    const req = await api.request('POST', '/v1/privacy/deletion', { token: victim.token });
    expect(req.status).toBe(202);
    await createDeletionWorker(stack.deps)();
    const done = await api.request('GET', `/v1/privacy/deletion/${req.body.requestId}`, {
      token: victim.token,
    });
    expect(done.body.status).toBe('done');
    const after = await nightRawItems();
    expect(after.length).toBe(before - DEFAULT_NIGHT_FLEET.reportsPerDrive);
  });
});
