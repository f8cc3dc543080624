import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { createSeededRandom } from '../core/random.ts';
import { MemoryStorage } from '../core/storage.ts';
import type { TransportRequest, TransportResponse } from '../core/transport.ts';
import { Batcher } from './batcher.ts';
import { DurableQueue } from './durableQueue.ts';
import { Uplink } from './uplink.ts';

const TOKEN = 'device-token-secret';

function fixture(script: (req: TransportRequest, n: number) => TransportResponse | 'offline') {
  const clock = new ManualClock(1_000_000);
  const storage = new MemoryStorage();
  const queue = new DurableQueue(storage);
  const requests: TransportRequest[] = [];
  const uplink = new Uplink(
    queue,
    async (req) => {
      requests.push(req);
      const r = script(req, requests.length);
      if (r === 'offline') throw new Error('ECONNREFUSED');
      return r;
    },
    clock,
    createSeededRandom('uplink'),
    silentLogger,
    {
      apiUrl: 'http://127.0.0.1:1',
      deviceToken: TOKEN,
      baseBackoffMs: 1000,
      maxBackoffMs: 60_000,
      maxRetryAfterMs: 3_600_000,
    },
  );
  const batcher = new Batcher(createSeededRandom('batches'));
  const bodies: string[] = [];
  for (let b = 0; b < 5; b++) {
    for (let i = 0; i < 3; i++) {
      batcher.add(
        {
          id: `00000000-0000-4000-8000-00000000000${i}`,
          type: 'hard_brake',
          ts: '2024-01-01T00:00:00.000Z',
          lat: 1,
          lng: 2,
          decelMps2: 4,
        },
        0,
      );
    }
    const body = batcher.close(0) as string;
    bodies.push(body);
    queue.enqueue(body);
  }
  /** Pumps until the queue is empty, advancing the clock to each allowed attempt. */
  const drain = async (maxSteps = 200): Promise<void> => {
    for (let i = 0; i < maxSteps && queue.length > 0; i++) {
      clock.set(uplink.nextAttemptAtMs);
      await uplink.pump();
    }
  };
  return { clock, queue, requests, uplink, bodies, drain, storage };
}

const ok: TransportResponse = {
  status: 202,
  headers: {},
  body: '{"accepted":3,"duplicates":0,"rejected":[]}',
};

describe('Uplink', () => {
  it('delivers every batch through an outage and 429s, in order, each with its original bytes', async () => {
    const f = fixture((_req, n) =>
      n <= 4
        ? 'offline'
        : n % 3 === 0
          ? { status: 429, headers: { 'retry-after': '7' }, body: '' }
          : n % 5 === 0
            ? { status: 503, headers: {}, body: '' }
            : ok,
    );
    await f.drain();
    const delivered = f.requests.filter((_, i) => {
      const n = i + 1;
      return !(n <= 4 || n % 3 === 0 || n % 5 === 0);
    });
    expect(delivered.map((r) => r.body)).toEqual(f.bodies);
    expect(f.queue.length).toBe(0);
  });

  it('keeps the batchId and event ids of a retried batch', async () => {
    const f = fixture((_req, n) => (n <= 3 ? 'offline' : ok));
    await f.drain();
    const first = f.requests.slice(0, 4).map((r) => r.body);
    expect(new Set(first).size).toBe(1);
    expect(JSON.parse(first[0] as string).batchId).toBe(JSON.parse(f.bodies[0] as string).batchId);
  });

  it('waits exactly Retry-After seconds after a 429', async () => {
    const f = fixture((_req, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '120' }, body: '' } : ok,
    );
    const t0 = f.clock.nowMs();
    await f.uplink.pump();
    expect(f.uplink.nextAttemptAtMs - t0).toBe(120_000);
    expect(await f.uplink.pump()).toBe('waiting');
  });

  it('backs off exponentially with jitter, capped, on repeated failures', async () => {
    const f = fixture(() => 'offline');
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = f.clock.nowMs();
      await f.uplink.pump();
      waits.push(f.uplink.nextAttemptAtMs - before);
      f.clock.set(f.uplink.nextAttemptAtMs);
    }
    waits.forEach((w, i) => {
      expect(w).toBeLessThanOrEqual(Math.min(60_000, 1000 * 2 ** i));
    });
    expect(Math.max(...waits.slice(5))).toBeGreaterThan(8000);
    expect(f.queue.length).toBe(5);
  });

  it('drops a batch refused as malformed (400) instead of blocking the queue, and counts it', async () => {
    const f = fixture((_req, n) => (n === 1 ? { status: 400, headers: {}, body: '' } : ok));
    await f.drain();
    expect(f.uplink.stats.poisoned).toBe(1);
    expect(f.queue.length).toBe(0);
  });

  it('sends the device token only in the Authorization header', async () => {
    const f = fixture(() => ok);
    await f.drain();
    for (const r of f.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(String(r.body)).not.toContain(TOKEN);
    }
  });

  it('resumes from durable storage after a restart without losing or duplicating a batch', async () => {
    const f = fixture((_req, n) => (n <= 2 ? ok : 'offline'));
    await f.uplink.pump();
    await f.uplink.pump();
    const restarted = new DurableQueue(f.storage);
    expect(restarted.bodies()).toEqual(f.bodies.slice(2));
  });
});
