import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketId } from '../../lib/hazards/bucketing.ts';
import { signalOf } from '../../lib/hazards/signals.ts';
import { epochMinute } from '../../lib/time/epochMinute.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dashnet-disk-'));
let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  // A reserve no disk has: the data directory counts as full from the start.
  stack = await startLocalStack({ dataDir, diskReserveBytes: 2 ** 60, esm: { maxBatchingWindowS: 0.1 } });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  delete process.env.DASHNET_DISK_RESERVE_MB;
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('disk full', () => {
  it('refuses telemetry with 503 problem+json and Retry-After, and accepts the same batch once space returns', async () => {
    const cam = await api.camera();
    const body = batch([hardBrake(), hardBrake()]);
    const full = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
    expect(full.status).toBe(503);
    expect(full.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(full.body).toMatchObject({ status: 503, type: expect.stringContaining('unavailable') });
    expect(full.body.detail).toMatch(/nearly full/);
    // Reads keep working while writes are refused.
    expect((await api.stats()).body.accepted).toBe(0);

    // Space returns (the operator lowers the reserve): the camera's retry goes through, once.
    process.env.DASHNET_DISK_RESERVE_MB = '0';
    await new Promise((r) => setTimeout(r, 1100));
    const ok = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toBe(2);
    const stats = await eventually(async () => {
      const s = (await api.stats()).body;
      return s.processed >= 2 ? s : undefined;
    });
    expect(stats).toMatchObject({ accepted: 2, processed: 2 });
  });
});

describe('clock skew', () => {
  it('holds the 5-minute future and 7-day past limits per event and buckets each event by its own ts', async () => {
    process.env.DASHNET_DISK_RESERVE_MB = '0';
    const cam = await api.camera();
    const now = Date.now();
    const site = offset(40.4417, -79.9901, 0, 0);
    const at = (ms: number) => hardBrake({ ...site, ts: new Date(now + ms).toISOString() });
    // A camera whose clock wanders: 4 min fast (kept), 10 min fast (rejected), 3 h and 6 days
    // slow (kept, in their own minutes), 8 days slow (rejected).
    const events = [
      at(4 * 60_000),
      at(10 * 60_000),
      at(-3 * 3600_000),
      at(-6 * 24 * 3600_000),
      at(-8 * 24 * 3600_000),
    ];
    const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch(events) });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 4]);
    for (const r of res.body.rejected) expect(r.reason).toMatch(/ts/);

    // Each accepted event lands in the bucket of its own minute, not the arrival minute (the
    // 6-day-old one too, but its bucket has outlived its 48 h retention on arrival: not read).
    const kept = [events[0]!, events[2]!];
    const ids = kept.map((e) => bucketId(signalOf(e as never)!));
    const minutes = kept.map((e) => epochMinute(Date.parse(e.ts)));
    const cell = signalOf(kept[0] as never)!.cell;
    await eventually(async () => {
      const entries = await stack.deps.buckets.readPartitions(
        [stack.deps.buckets.partitionOf(cell)],
        Math.min(...minutes) as never,
        Math.max(...minutes) as never,
        Date.now(),
      );
      const got = new Set(entries.map((e) => bucketId(e)));
      return ids.every((id) => got.has(id)) ? true : undefined;
    });
    const arrival = epochMinute(now);
    expect(minutes.filter((m) => m === arrival)).toHaveLength(0);
  });
});
