import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePlatform } from '../../edge/adapters/node.ts';
import { ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { DEFAULT_EDGE_CONFIG } from '../../edge/edgeConfig.ts';
import { EdgePipeline } from '../../edge/pipeline.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import { syntheticDrive, townDriveScript } from '../../edge/testing/syntheticDrive.ts';
import { DEFAULT_BATCHER } from '../../edge/uplink/batcher.ts';
import { DEFAULT_UPLINK, type PumpResult, Uplink } from '../../edge/uplink/uplink.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';

/** What the proxy does with the next request. */
type ProxyMode = 'forward' | 'refuse' | 'unavailable' | 'throttle' | 'lose-response';

/** One request the proxy passed to the stack, and what the stack answered. */
interface Forwarded {
  batchId: string;
  events: number;
  answer: { accepted: number; duplicates: number; rejected: unknown[] };
  delivered: boolean;
}

/**
 * A proxy on 127.0.0.1 between the camera and the local stack that the test switches between
 * the failures a camera meets in the field: connection refused (nothing listening), 503, 429 with
 * `Retry-After`, and "accepted but the answer never arrived" (forwarded, the stack took the
 * batch, then the connection is cut before the response).
 */
class FaultProxy {
  readonly forwarded: Forwarded[] = [];
  private mode: ProxyMode = 'forward';
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly upstream: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Switches mode; 'refuse' closes the listening socket so connections are refused. */
  async setMode(mode: ProxyMode): Promise<void> {
    if (mode === this.mode) return;
    if (mode === 'refuse') await this.stop();
    else if (this.mode === 'refuse') await this.start();
    this.mode = mode;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (this.mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
      return;
    }
    if (this.mode === 'throttle') {
      res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/problem+json' }).end('{}');
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'content-encoding']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = await fetch(`${this.upstream}${req.url}`, {
      method: req.method ?? 'POST',
      headers,
      body: new Uint8Array(raw),
    });
    const text = await upstream.text();
    const json =
      headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const batch = JSON.parse(json) as { batchId: string; events: unknown[] };
    const delivered = this.mode !== 'lose-response';
    this.forwarded.push({
      batchId: batch.batchId,
      events: batch.events.length,
      answer: JSON.parse(text),
      delivered,
    });
    if (!delivered) {
      // The stack has taken the batch; the camera never hears so.
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(text);
  }
}

/** The fault sequence, by attempt: normal → outage → 429 → accepted-but-lost → normal. */
const SCHEDULE: ProxyMode[] = [
  'forward',
  'forward',
  'refuse',
  'refuse',
  'refuse',
  'unavailable',
  'unavailable',
  'throttle',
  'throttle',
  'lose-response',
  'lose-response',
];

let stack: LocalStackHandle;
let api: ApiClient;
let proxy: FaultProxy;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 } });
  api = new ApiClient(stack.url, stack.operatorToken);
  proxy = new FaultProxy(stack.url);
  await proxy.start();
});
afterAll(async () => {
  await proxy?.stop();
  await stack?.stop();
});

describe('camera uplink against the local stack through an outage', () => {
  it('delivers every event the camera produced exactly once, and leaves the queue empty', async () => {
    const { token } = await api.camera();
    // A real drive, recent enough for the stack's time rules (events at most 7 days old).
    const drive = syntheticDrive(
      townDriveScript({ seed: 'uplink-outage', startMs: Date.now() - 15 * 60_000, imuHz: 50, gpsHz: 1 }),
    );
    // Sensor time is the clock: the uplink's backoff and Retry-After waits pass in replay time.
    const clock = new ManualClock(drive.gps[0]?.tMs ?? 0);
    const platform = { ...createNodePlatform({ seed: 'uplink-outage' }), clock, logger: silentLogger };
    const pipeline = new EdgePipeline(platform, {
      ...DEFAULT_EDGE_CONFIG,
      networkSharing: true,
      // Batches every 10 s instead of 60 s: a dozen batches to spread over the fault phases.
      batcher: { ...DEFAULT_BATCHER, maxAgeMs: 10_000 },
    });
    const uplink = new Uplink(
      pipeline.queue,
      platform.transport!,
      clock,
      platform.random,
      silentLogger,
      { ...DEFAULT_UPLINK, apiUrl: proxy.url, deviceToken: token },
      platform.gzip,
    );

    /** Every batch the camera queued, by batch id → its event ids (seen before any send). */
    const produced = new Map<string, string[]>();
    const note = () => {
      for (const body of pipeline.queue.bodies()) {
        const b = JSON.parse(body) as { batchId: string; events: { id: string }[] };
        produced.set(
          b.batchId,
          b.events.map((e) => e.id),
        );
      }
    };
    const results: PumpResult[] = [];
    let attempts = 0;
    const pump = async () => {
      note();
      if (pipeline.queue.length === 0 || clock.nowMs() < uplink.nextAttemptAtMs) return;
      await proxy.setMode(SCHEDULE[attempts] ?? 'forward');
      const r = await uplink.pump();
      results.push(r);
      if (r !== 'waiting' && r !== 'empty') attempts++;
    };

    for (const s of merge(drive.gps, drive.imu)) {
      if (s.kind === 'gps') {
        pipeline.pushGps(s.sample);
        clock.set(s.sample.tMs);
        await pump();
      } else pipeline.pushImu(s.sample);
    }
    pipeline.finish();
    // After the drive: wait (on the fake clock) for each allowed attempt until the queue is empty.
    for (let i = 0; i < 100 && pipeline.queue.length > 0; i++) {
      clock.set(uplink.nextAttemptAtMs);
      await pump();
    }

    // Every fault phase happened.
    expect(attempts).toBeGreaterThan(SCHEDULE.length);
    expect(uplink.stats.throttled).toBe(2);
    // 3 refused + 2 × 503 + 2 lost responses.
    expect(uplink.stats.failures).toBe(7);

    // The queue is empty and nothing was dropped or refused as malformed.
    expect(pipeline.queue.length).toBe(0);
    expect(pipeline.queue.stats.droppedBatches).toBe(0);
    expect(uplink.stats.poisoned).toBe(0);
    expect(uplink.stats.sent).toBe(produced.size);

    // The camera never reused an event id.
    const eventIds = [...produced.values()].flat();
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(produced.size).toBeGreaterThanOrEqual(8);

    // Each batch reached the stack; the first time it counted as accepted, every later time
    // (the retries after a lost response) as duplicates.
    const seen = new Set<string>();
    let expectedDuplicates = 0;
    for (const f of proxy.forwarded) {
      expect(produced.has(f.batchId)).toBe(true);
      if (seen.has(f.batchId)) {
        expect(f.answer).toEqual({ accepted: 0, duplicates: f.events, rejected: [] });
        expectedDuplicates += f.events;
      } else {
        expect(f.answer).toEqual({ accepted: f.events, duplicates: 0, rejected: [] });
        seen.add(f.batchId);
      }
    }
    expect(seen.size).toBe(produced.size);
    expect(proxy.forwarded.filter((f) => !f.delivered)).toHaveLength(2);
    expect(expectedDuplicates).toBeGreaterThan(0);

    // The stack's own counters agree: every event accepted once, the lost-response retries as duplicates.
    const stats = (await api.stats()).body as { accepted: number; duplicates: number; rejected: number };
    expect(stats).toMatchObject({
      accepted: eventIds.length,
      duplicates: expectedDuplicates,
      rejected: 0,
    });
  });
});

type Sample = { kind: 'gps'; sample: GpsFix } | { kind: 'imu'; sample: ImuSample };

/** GPS and IMU samples in time order (GPS first on ties, as `runDrive` does). */
function* merge(gps: GpsFix[], imu: ImuSample[]): Generator<Sample> {
  let i = 0;
  let j = 0;
  while (i < gps.length || j < imu.length) {
    const g = gps[i];
    const m = imu[j];
    if (g && (!m || g.tMs <= m.tMs)) {
      yield { kind: 'gps', sample: g };
      i++;
    } else {
      yield { kind: 'imu', sample: m as ImuSample };
      j++;
    }
  }
}
