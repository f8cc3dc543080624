import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cellToLatLng } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insideAnyZone, type PrivacyZone } from '../../edge/privacy/privacyZones.ts';
import { createDeletionWorker, DeletionWorkerError } from '../../functions/stream/deletionWorker.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient, eventually } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';
import { readStreamRecords } from '../streamRecords.ts';

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

async function processed(n: number) {
  await eventually(async () => ((await api.stats()).body.processed >= n ? true : undefined), 30_000);
}

/** Every item of every table, as JSON text per table. */
async function scanAll(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [key, name] of Object.entries(stack.deps.names)) {
    if (!key.endsWith('Table')) continue;
    const items: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await stack.deps.clients.ddb.send(
        new ScanCommand({ TableName: name, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const i of res.Items ?? [])
        items.push(JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v] : v)));
      start = res.LastEvaluatedKey;
    } while (start);
    out[key] = items;
  }
  return out;
}

/** Every record on the telemetry stream, decoded. */
async function streamRecords(): Promise<
  { pseudonym: string; batchKey: string; events: Record<string, unknown>[] }[]
> {
  return (await readStreamRecords(stack)).map((r) =>
    JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')),
  );
}

interface Driver {
  deviceId: string;
  token: string;
  zone: PrivacyZone;
  home: { lat: number; lng: number };
}

const DAY_MS = 86_400_000;
const today0 = Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** Two instants: yesterday noon and a few minutes ago (both within the accepted age). */
const days = [today0 - DAY_MS / 2, Date.now() - 5 * 60_000];

/**
 * A camera's day: a drive out from home. The camera model drops what lies within its privacy
 * zone (plus a cell's width), as the edge redactor does; the cloud must add nothing that
 * puts any of it back.
 */
function drive(d: Driver, dayMs: number, n: number) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const p = offset(d.home.lat, d.home.lng, i * 120, i * 60);
    if (insideAnyZone([d.zone], p.lat, p.lng, 100)) continue;
    events.push(hardBrake({ ...p, ts: new Date(dayMs + i * 20_000).toISOString() }));
  }
  return events;
}

describe('private by construction, through the emulators', () => {
  const fleet: Driver[] = [];

  it('stores no device id, token or zone coordinate anywhere after two days of a fleet', async () => {
    for (let i = 0; i < 8; i++) {
      const cam = await api.camera();
      const home = offset(40.44, -79.99, i * 900, -i * 700);
      fleet.push({ ...cam, home, zone: { ...home, radiusM: 300 } });
    }
    let sent = 0;
    for (const d of fleet) {
      for (const dayMs of days) {
        const events = drive(d, dayMs, 12);
        const res = await api.request('POST', '/v1/telemetry', { token: d.token, body: batch(events) });
        expect(res.status).toBe(202);
        sent += events.length;
      }
    }
    await processed(sent);

    const tables = await scanAll();
    const stream = await streamRecords();
    const everything = [...Object.values(tables).flat(), ...stream.map((r) => JSON.stringify(r))];
    for (const d of fleet) {
      const inData = everything.filter((t) => t.includes(d.token));
      expect(inData).toEqual([]);
      // Device ids live only in the Identity table (its purpose); no data table or record names one.
      const outsideIdentity = Object.entries(tables)
        .filter(([k]) => k !== 'identityTable')
        .flatMap(([, items]) => items)
        .concat(stream.map((r) => JSON.stringify(r)));
      expect(outsideIdentity.filter((t) => t.includes(d.deviceId))).toEqual([]);
    }
    const zones = fleet.map((d) => d.zone);
    for (const r of stream) {
      for (const e of r.events) expect(insideAnyZone(zones, Number(e.lat), Number(e.lng))).toBe(false);
    }
    const cells = [...everything.join(' ').matchAll(/\b8a[0-9a-f]{13}\b/g)].map((m) => m[0]);
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) {
      const [lat, lng] = cellToLatLng(c);
      expect(insideAnyZone(zones, lat, lng)).toBe(false);
    }
  });

  it('gives a device on two days pseudonyms and batch keys that share no stored value', async () => {
    const stream = await streamRecords();
    const dayOf = (r: { events: Record<string, unknown>[] }) => String(r.events[0]?.ts).slice(0, 10);
    const byDay = new Map<string, Set<string>>();
    for (const r of stream) {
      const set = byDay.get(dayOf(r)) ?? new Set<string>();
      set.add(r.pseudonym);
      set.add(r.batchKey);
      byDay.set(dayOf(r), set);
    }
    const [a, b] = [...byDay.values()];
    expect(a && b).toBeTruthy();
    expect([...a!].filter((v) => b!.has(v))).toEqual([]);
  });

  it('never lets one device raise a hazard alone: many batch ids and a token rotation count once', async () => {
    const spot = { lat: 40.4701, lng: -79.9601 };
    const cam = await api.camera();
    let token = cam.token;
    const before = (await api.stats()).body.processed;
    for (let i = 0; i < 12; i++) {
      if (i === 6) {
        const r = await api.request('POST', `/v1/devices/${cam.deviceId}/token`, {
          token: stack.operatorToken,
        });
        token = r.body.token;
      }
      const p = offset(spot.lat, spot.lng, (i % 3) * 10, (i % 4) * 10);
      const res = await api.request('POST', '/v1/telemetry', { token, body: batch([hardBrake(p)]) });
      expect(res.status).toBe(202);
    }
    await processed(before + 12);
    const hazards = await api.request('GET', `/v1/hazards?lat=${spot.lat}&lng=${spot.lng}&radiusM=500`);
    expect(hazards.body.features).toHaveLength(0);
    const tables = await scanAll();
    const pseudonymsSeen = new Set(
      tables.bucketsTable!.map((t) => JSON.parse(t) as { cams?: string[] }).flatMap((b) => b.cams ?? []),
    );
    const streamPseudonyms = new Set((await streamRecords()).map((r) => r.pseudonym));
    // 8 drivers × 2 days + this device once (same day, whatever its batch ids or tokens).
    expect(streamPseudonyms.size).toBe(8 * 2 + 1);
    expect(pseudonymsSeen.size).toBeLessThanOrEqual(streamPseudonyms.size);
  });

  it('deletes everything derived from a device, resumes after a crash, and is harmless to repeat', async () => {
    const victim = fleet[0]!;
    const pseudonymsBefore = new Set(
      (await streamRecords())
        .filter((r) => r.events.some((e) => e.lat === drive(victim, days[0]!, 12)[0]?.lat))
        .map((r) => r.pseudonym),
    );
    expect(pseudonymsBefore.size).toBeGreaterThan(0);
    const req = await api.request('POST', '/v1/privacy/deletion', { token: victim.token });
    expect(req.status).toBe(202);
    const again = await api.request('POST', '/v1/privacy/deletion', { token: victim.token });
    expect(again.body.requestId).toBe(req.body.requestId);
    // Opting out happened at once.
    expect(
      (await api.request('POST', '/v1/telemetry', { token: victim.token, body: batch([hardBrake()]) }))
        .status,
    ).toBe(403);

    const crashing = createDeletionWorker(stack.deps, { crashAfterPages: 1, pageSize: 5 });
    await expect(crashing()).rejects.toBeInstanceOf(DeletionWorkerError);
    const mid = await api.request('GET', `/v1/privacy/deletion/${req.body.requestId}`, {
      token: victim.token,
    });
    expect(mid.body.status).toBe('pending');
    await createDeletionWorker(stack.deps, { pageSize: 5 })();
    const done = await api.request('GET', `/v1/privacy/deletion/${req.body.requestId}`, {
      token: victim.token,
    });
    expect(done.body).toMatchObject({ status: 'done' });
    expect(done.body.deletedItems).toBeGreaterThan(0);

    const after = await scanAll();
    for (const p of pseudonymsBefore) {
      const where = Object.entries(after).flatMap(([t, items]) =>
        items.filter((x) => x.includes(p)).map((x) => `${t}: ${x}`),
      );
      expect(where).toEqual([]);
    }
    // Another device cannot read the status.
    const other = await api.request('GET', `/v1/privacy/deletion/${req.body.requestId}`, {
      token: fleet[1]!.token,
    });
    expect(other.status).toBe(404);

    const rerun = await api.request('POST', '/v1/privacy/deletion', { token: victim.token });
    expect(rerun.body.requestId).not.toBe(req.body.requestId);
    await createDeletionWorker(stack.deps)();
    const second = await api.request('GET', `/v1/privacy/deletion/${rerun.body.requestId}`, {
      token: victim.token,
    });
    expect(second.body).toMatchObject({ status: 'done', deletedItems: 0 });
  });

  it('releases raw data only for a legal request approved by a second operator, and audits the export', async () => {
    const subject = fleet[2]!;
    const legal = await api.request('POST', '/v1/ops/staff', {
      token: stack.operatorToken,
      body: { name: 'Counsel', role: 'legal' },
    });
    const second = await api.request('POST', '/v1/ops/staff', {
      token: stack.operatorToken,
      body: { name: 'Ops 2', role: 'operator' },
    });
    const scope = {
      from: new Date(days[1]! - 60_000).toISOString(),
      to: new Date(days[1]! + 10 * 60_000).toISOString(),
    };
    const recorded = await api.request('POST', '/v1/legal/requests', {
      token: stack.operatorToken,
      body: { legalReference: 'Court order 2026-123', deviceId: subject.deviceId, ...scope },
    });
    expect(recorded.status).toBe(201);
    const id = recorded.body.requestId;
    expect(
      (await api.request('GET', `/v1/legal/requests/${id}/export`, { token: legal.body.token })).status,
    ).toBe(403);
    expect(
      (await api.request('POST', `/v1/legal/requests/${id}/approve`, { token: stack.operatorToken })).status,
    ).toBe(403);
    expect(
      (await api.request('POST', `/v1/legal/requests/${id}/approve`, { token: legal.body.token })).status,
    ).toBe(403);
    expect(
      (await api.request('POST', `/v1/legal/requests/${id}/approve`, { token: second.body.token })).status,
    ).toBe(200);
    const exported = await api.request('GET', `/v1/legal/requests/${id}/export`, { token: legal.body.token });
    expect(exported.status).toBe(200);
    expect(exported.body.records.length).toBeGreaterThan(0);
    for (const r of exported.body.records) {
      expect(Date.parse(r.minute)).toBeGreaterThanOrEqual(Date.parse(scope.from) - 60_000);
      expect(Date.parse(r.minute)).toBeLessThanOrEqual(Date.parse(scope.to));
    }
    const log = await stack.deps.audit.all();
    expect(log.map((e) => e.action)).toEqual(
      expect.arrayContaining(['legal.request', 'legal.approve', 'legal.export']),
    );
    expect((await api.request('GET', '/v1/ops/audit/verify', { token: stack.operatorToken })).body.ok).toBe(
      true,
    );
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a device exceeds its window', async () => {
    const limited = await startLocalStack({
      rateLimits: { device: { limit: 3, windowS: 60 } },
      deletionWorkerIntervalMs: 0,
    });
    try {
      const client = new ApiClient(limited.url, limited.operatorToken);
      const cam = await client.camera(false);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const r = await client.request('PUT', '/v1/consent', { token: cam.token, body: { network: true } });
        statuses.push(r.status);
        if (r.status === 429) {
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(r.headers.get('content-type')).toContain('application/problem+json');
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.stop();
    }
  });
});
