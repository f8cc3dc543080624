/**
 * Token attacks by a client that holds a valid token (docs/security.md §Token attacks): guessing,
 * replaying another device's batch ids, enumerating request ids. Against the real local stack.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

/** A small failure budget, so the lockout shows in a few requests and ends in seconds. */
const FAILURES = { limit: 5, windowS: 3 };

let stack: LocalStackHandle;
let api: ApiClient;

beforeAll(async () => {
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    deletionWorkerIntervalMs: 0,
    rateLimits: { authFailure: FAILURES },
  });
  api = new ApiClient(stack.url, stack.operatorToken);
});
afterAll(async () => {
  await stack.stop();
});

const post = (token: string, body: unknown) => api.request('POST', '/v1/telemetry', { token, body });

describe('credentials', () => {
  it('issues device, staff and insurer credentials with 256 random bits each, never twice', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) tokens.add((await api.camera(false)).token);
    const staff = await api.request('POST', '/v1/ops/staff', {
      token: stack.operatorToken,
      body: { name: 'Ops', role: 'operator' },
    });
    const insurer = await api.request('POST', '/v1/insurers', {
      token: stack.operatorToken,
      body: { name: 'Entropy Mutual' },
    });
    tokens.add(staff.body.token);
    tokens.add(insurer.body.apiKey);
    expect(tokens.size).toBe(7);
    // A 4-character kind prefix, then 32 random bytes in base64url (43 characters = 256 bits).
    for (const t of tokens) expect(t).toMatch(/^dn[dsi]_[A-Za-z0-9_-]{43}$/);
  });
});

describe('batch ids are scoped to their device', () => {
  it("counts device B's batch under A's batch id as B's, and A's retry as a duplicate", async () => {
    const a = await api.camera();
    const b = await api.camera();
    const c = await api.camera();
    const before = (await api.stats()).body.accepted;
    const batchId = randomUUID();
    const fromA = batch([hardBrake(), hardBrake()], batchId);
    expect((await post(a.token, fromA)).body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    // B learned A's batch id (say, from a captured request) and posts its own events under it.
    const fromB = batch([hardBrake(), hardBrake(), hardBrake()], batchId);
    expect((await post(b.token, fromB)).body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    // C replays A's whole body: counted once, as C's; A's events are neither dropped nor doubled.
    expect((await post(c.token, fromA)).body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect((await post(c.token, fromA)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    // A's own retry is still recognised as A's duplicate.
    expect((await post(a.token, fromA)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect((await api.stats()).body.accepted - before).toBe(7);
  });
});

describe('request ids cannot be enumerated', () => {
  it("answers 404 alike to another device's deletion request, an unknown id and a malformed one", async () => {
    const a = await api.camera();
    const b = await api.camera();
    const asked = await api.request('POST', '/v1/privacy/deletion', { token: a.token });
    expect(asked.status).toBe(202);
    const id: string = asked.body.requestId;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await api.request('GET', `/v1/privacy/deletion/${id}`, { token: a.token })).status).toBe(200);
    const probes = [id, randomUUID(), 'not-an-id', '..%2F..%2Fidentity'];
    for (const probe of probes) {
      const res = await api.request('GET', `/v1/privacy/deletion/${probe}`, { token: b.token });
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe('no such deletion request');
    }
  });

  it('answers 404 to unknown legal request ids, whichever step is asked', async () => {
    for (const path of [`/v1/legal/requests/${randomUUID()}/export`, '/v1/legal/requests/x/export']) {
      expect((await api.request('GET', path, { token: stack.operatorToken })).status).toBe(404);
    }
    const approve = await api.request('POST', `/v1/legal/requests/${randomUUID()}/approve`, {
      token: stack.operatorToken,
    });
    expect(approve.status).toBe(404);
  });

  it('answers 400, not 500, to a path whose percent-escapes do not decode', async () => {
    const res = await api.request('GET', '/v1/privacy/deletion/%E0%A4%A', { token: stack.operatorToken });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('guessing tokens', () => {
  it('refuses a source after too many failed credentials, even its right guess, until the window ends', async () => {
    const cam = await api.camera();
    // Start at the beginning of a window, so all the guesses fall in the same one.
    const windowMs = FAILURES.windowS * 1000;
    await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 50));
    const statuses: number[] = [];
    for (let i = 0; i <= FAILURES.limit; i++) {
      statuses.push((await post(`dnd_guess${i}`, batch([hardBrake()]))).status);
    }
    expect(statuses).toEqual([...Array(FAILURES.limit).fill(401), 429]);
    const right = await post(cam.token, batch([hardBrake()]));
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(right.headers.get('retry-after')).not.toBeNull();
    // The insurer routes share the per-source budget (an API key is a guessable credential too).
    const key = await api.request('GET', '/v1/insights/segments?bbox=-80,40.4,-79.9,40.5', {
      headers: { 'x-api-key': 'dni_guess' },
    });
    expect(key.status).toBe(429);

    await new Promise((r) => setTimeout(r, windowMs + 100));
    expect((await post(cam.token, batch([hardBrake()]))).status).toBe(202);
  });
});
