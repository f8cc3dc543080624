import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runFleet } from '../bin/commands/simulate.ts';
import { MemoryStorage } from '../edge/core/storage.ts';
import type { LocatedEvent } from '../edge/privacy/redactor.ts';

/** Storage that remembers every batch body the durable queue ever wrote (keys `edge/q/<seq>`). */
class WatchedStorage extends MemoryStorage {
  constructor(private readonly queued: Set<string>) {
    super();
  }
  override set(key: string, value: string): void {
    if (/^edge\/q\/\d+$/.test(key)) this.queued.add(value);
    super.set(key, value);
  }
}

interface Posted {
  camera: string;
  body: string;
}

/** A stand-in for the API: provisions devices, takes consent, accepts telemetry and keeps each body. */
function fakeApi(posted: Posted[], failFirst = 0): typeof fetch {
  let n = 0;
  let failures = 0;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    if (url.pathname === '/v1/devices')
      return Response.json({ deviceId: `d${n}`, token: `token-${n++}` }, { status: 201 });
    if (url.pathname === '/v1/consent') return new Response(null, { status: 204 });
    if (url.pathname === '/v1/telemetry') {
      if (failures < failFirst) {
        failures++;
        return new Response(null, { status: 503, headers: { 'retry-after': '1' } });
      }
      const raw = init?.body as Uint8Array | string;
      const body = typeof raw === 'string' ? raw : gunzipSync(raw).toString('utf8');
      posted.push({ camera: auth, body });
      const events = (JSON.parse(body) as { events: unknown[] }).events;
      return Response.json({ accepted: events.length, duplicates: 0, rejected: [] }, { status: 202 });
    }
    return new Response(null, { status: 404 });
  }) as typeof fetch;
}

describe('the simulated fleet reaches the stack only through edge/', () => {
  it("posts nothing but batches the cameras' pipelines queued, holding only events their detectors found", async () => {
    const queued = new Set<string>();
    const posted: Posted[] = [];
    const detections: LocatedEvent[] = [];
    const minutes = 8;
    const fleet = await runFleet({
      apiUrl: 'http://api.test',
      operatorToken: 'op',
      cameras: 12,
      seed: 3,
      minutes,
      startOffsetMs: minutes * 60_000,
      speedup: 2000,
      fetch: fakeApi(posted),
      storageFor: () => new WatchedStorage(queued),
      onDetection: (_i, e) => detections.push(e),
    });
    await fleet.done;
    await fleet.stop();

    const events = posted.flatMap(
      (p) => (JSON.parse(p.body) as { events: { type: string; ts: string }[] }).events,
    );
    // Not vacuous: the fleet did send exposure and detections.
    expect(events.some((e) => e.type === 'trip')).toBe(true);
    expect(events.some((e) => e.type !== 'trip')).toBe(true);
    // Every request body is, byte for byte, one that a camera's durable queue stored…
    for (const p of posted) expect(queued.has(p.body)).toBe(true);
    // …and every detection in it is one a camera's detectors made (redaction floors times to 1 s).
    for (const e of events.filter((x) => x.type !== 'trip')) {
      const tMs = Date.parse(e.ts);
      expect(detections.some((d) => d.type === e.type && d.tMs >= tMs && d.tMs < tMs + 1000)).toBe(true);
    }
  });

  it('loses nothing when the stack is down for a while: cameras keep their batches and resend them', async () => {
    const queued = new Set<string>();
    const posted: Posted[] = [];
    const minutes = 6;
    const fleet = await runFleet({
      apiUrl: 'http://api.test',
      operatorToken: 'op',
      cameras: 8,
      seed: 4,
      minutes,
      startOffsetMs: minutes * 60_000,
      speedup: 2000,
      fetch: fakeApi(posted, 6),
      storageFor: () => new WatchedStorage(queued),
    });
    await fleet.done;
    await fleet.stop();
    expect(fleet.stats().send.retries).toBeGreaterThan(0);
    expect(queued.size).toBeGreaterThan(0);
    const sent = new Set(posted.map((p) => p.body));
    expect([...queued].filter((b) => !sent.has(b))).toEqual([]);
  });

  it('keeps the simulator free of the contract-event shortcut', () => {
    const files = [
      'bin/commands/simulate.ts',
      'bin/commands/serve.ts',
      'bench/hazardScenarioBench.ts',
      ...listTs('sim').filter((f) => !f.endsWith('.test.ts')),
    ];
    // The old fleet wrote contract events itself (sim/world/fleet.ts, tripRecorder.ts); the camera
    // path must build no event outside edge/: no batcher, queue, redactor or event builder either.
    const forbidden =
      /from '[^']*(world\/fleet|world\/tripRecorder|edge\/uplink\/batcher|edge\/uplink\/durableQueue|edge\/privacy\/redactor)\.ts'/;
    const offenders = files.filter((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .some((line) => forbidden.test(line) && !/^import type /.test(line)),
    );
    expect(offenders).toEqual([]);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listTs(p) : p.endsWith('.ts') ? [p] : [];
  });
}
