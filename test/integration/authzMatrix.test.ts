import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../bin/commands/audit.ts';
import { ROUTES } from '../../lib/api/functions.ts';
import { AUTHZ_MATRIX, isAllowed, ROLES, type Role } from '../../lib/auth/authzMatrix.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake } from '../factories.ts';

let stack: LocalStackHandle;
let api: ApiClient;
const creds = {} as Record<Role, { headers: Record<string, string> }>;

beforeAll(async () => {
  stack = await startLocalStack({ esm: { maxBatchingWindowS: 0.1 }, deletionWorkerIntervalMs: 0 });
  api = new ApiClient(stack.url, stack.operatorToken);
  const cam = await api.camera();
  const insurer = await api.request('POST', '/v1/insurers', {
    token: stack.operatorToken,
    body: { name: 'Acme' },
  });
  const legal = await api.request('POST', '/v1/ops/staff', {
    token: stack.operatorToken,
    body: { name: 'Counsel', role: 'legal' },
  });
  creds.device = { headers: { authorization: `Bearer ${cam.token}` } };
  creds.insurer = { headers: { 'x-api-key': insurer.body.apiKey } };
  creds.operator = { headers: { authorization: `Bearer ${stack.operatorToken}` } };
  creds.legal = { headers: { authorization: `Bearer ${legal.body.token}` } };
  creds.public = { headers: {} };
});
afterAll(async () => {
  await stack.stop();
});

/** A concrete path for a template; ids that exist nowhere are fine: authorisation comes first. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
}

describe('the authorisation matrix, cell by cell through the HTTP API', () => {
  it('has an entry for every route', () => {
    const missing = ROUTES.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in AUTHZ_MATRIX));
    expect(missing).toEqual([]);
  });

  for (const route of ROUTES) {
    const key = `${route.method} ${route.path}`;
    for (const role of ROLES) {
      const allowed = isAllowed(role, key);
      it(`${allowed ? 'admits' : 'refuses'} ${role} on ${key}`, async () => {
        const res = await fetch(`${stack.url}${concrete(route.path)}`, {
          method: route.method,
          headers: { ...creds[role].headers, 'content-type': 'application/json' },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        await res.arrayBuffer();
        if (allowed) expect([401, 403]).not.toContain(res.status);
        else expect([401, 403]).toContain(res.status);
      });
    }
  }
});

describe('device tokens', () => {
  it('stops an old token at once when an operator rotates it, and the new one works', async () => {
    const cam = await api.camera();
    const rotated = await api.request('POST', `/v1/devices/${cam.deviceId}/token`, {
      token: stack.operatorToken,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).not.toBe(cam.token);
    const old = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch([hardBrake()]) });
    expect(old.status).toBe(401);
    const fresh = await api.request('POST', '/v1/telemetry', {
      token: rotated.body.token,
      body: batch([hardBrake()]),
    });
    expect(fresh.status).toBe(202);
  });

  it('refuses a revoked device at once', async () => {
    const cam = await api.camera();
    expect(
      (await api.request('DELETE', `/v1/devices/${cam.deviceId}`, { token: stack.operatorToken })).status,
    ).toBe(204);
    expect(
      (await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch([hardBrake()]) })).status,
    ).toBe(401);
    expect(
      (await api.request('DELETE', `/v1/devices/${cam.deviceId}`, { token: stack.operatorToken })).status,
    ).toBe(404);
  });
});

describe('the audit log', () => {
  it('verifies while untouched and detects a tampered entry', async () => {
    await api.request('POST', '/v1/insurers', { token: stack.operatorToken, body: { name: 'Audit Co' } });
    const ok = await api.request('GET', '/v1/ops/audit/verify', { token: stack.operatorToken });
    expect(ok.body).toMatchObject({ ok: true });
    expect(ok.body.entries).toBeGreaterThan(3);

    const lines: string[] = [];
    const cli = (argv: string[]) => auditCommand(argv, { log: (l) => lines.push(l) });
    expect(await cli(['verify', '--api', stack.url, '--operator-token', stack.operatorToken])).toBe(0);

    const entries = await stack.deps.audit.all();
    const victim = entries[1]!;
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await stack.deps.clients.ddb.send(
      new PutCommand({
        TableName: stack.deps.names.auditTable,
        Item: { pk: 'chain', ...victim, action: 'nothing.happened' },
      }),
    );
    const bad = await api.request('GET', '/v1/ops/audit/verify', { token: stack.operatorToken });
    expect(bad.body).toMatchObject({ ok: false, brokenAtSeq: victim.seq, reason: 'hash' });
    expect(await cli(['verify', '--api', stack.url, '--operator-token', stack.operatorToken])).toBe(1);
    expect(await cli(['verify'])).toBe(2);
  });
});
