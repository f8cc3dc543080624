import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRolloutController } from '../../functions/scheduled/rolloutController.ts';
import {
  type ArtefactManifest,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
  verifyArtefact,
} from '../../lib/contract/artefact.ts';
import { DEFAULT_ROLLOUT_POLICY } from '../../lib/ota/rollout.ts';
import { ENV } from '../../lib/resources.ts';
import type { LocalStackHandle } from '../../local/localStack.ts';
import type { ApiClient } from '../apiClient.ts';
import { batch, offset, tripThrough } from '../factories.ts';
import { startArtefactStack } from './otaHarness.ts';

/**
 * The OTA channel through the local stack: publish (signed offline, verified by the registry),
 * staged rollout to device cohorts, automatic rollback of a bad cohort, a healthy candidate
 * advancing to 100 %, and refused unsigned or tampered publishes.
 *
 * Until the routes and the ingest hook are wired (see ./otaHarness.ts) this test serves the same
 * handlers through the local server's `extra` hook and records health as the hook will; once
 * they are, it runs through the real HTTP API only.
 */
let stack: LocalStackHandle;
let api: ApiClient;
let dir: string;
let seed: Uint8Array;
const cameras: { deviceId: string; token: string }[] = [];
const origin = { lat: 40.4512, lng: -79.9801 };

const manifestOf = (version: string, bytes: Uint8Array, keySeed = seed): ArtefactManifest => ({
  schema: 1,
  kind: 'model',
  name: 'badas',
  version,
  sha256: sha256Hex(bytes),
  size: bytes.length,
  compatibility: { cameraModels: ['*'] },
  provenance: { trainedOn: 'integration test' },
  createdAt: new Date().toISOString(),
  keyId: keyIdOf(publicKeyOf(keySeed)),
});
const bytesOf = (version: string) => new TextEncoder().encode(`onnx model ${version} ${'x'.repeat(200)}`);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function publish(version: string) {
  const bytes = bytesOf(version);
  const manifest = manifestOf(version, bytes);
  return api.request('POST', '/v1/artefacts', {
    token: stack.operatorToken,
    body: { manifest, signature: signManifest(manifest, seed), bytes: b64(bytes) },
  });
}

const promote = (version: string, body: object = {}) =>
  api.request('POST', `/v1/artefacts/model/badas/${version}/promote`, { token: stack.operatorToken, body });

/** Every camera polls; answers the version each was offered. */
async function poll(): Promise<string[]> {
  const versions: string[] = [];
  for (const cam of cameras) {
    const res = await api.request('GET', '/v1/models/current?cameraModel=cm-a&firmware=2.0.0', {
      token: cam.token,
    });
    expect(res.status).toBe(200);
    versions.push(res.body.version);
  }
  return versions;
}

/** A camera drives the same street in the same minutes as every other, alerting `alerts` times. */
async function drive(cam: { token: string }, version: string, alerts: number) {
  const start = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const points = Array.from({ length: 10 }, (_, i) => ({
    ...offset(origin.lat, origin.lng, 0, i * 120),
    ts: iso(start + i * 25_000),
    heading: 90,
  }));
  const events = [
    tripThrough(points),
    ...Array.from({ length: alerts }, (_, i) => ({
      id: randomUUID(),
      type: 'badas_alert' as const,
      ts: iso(start + i * 5_000),
      ...offset(origin.lat, origin.lng, 0, i * 50),
      score: 0.9,
      modelVersion: version,
    })),
  ];
  const body = { ...batch(events), artefacts: [{ kind: 'model' as const, name: 'badas', version }] };
  const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  ({ stack, api, dir, seed } = await startArtefactStack('dashnet-ota-'));
  for (let i = 0; i < 40; i++) cameras.push(await api.camera());
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env[ENV.artefactsDir];
  rmSync(dir, { recursive: true, force: true });
});

describe('OTA publish refuses what the release key did not sign', () => {
  const bytes = bytesOf('0.1.0');

  it('refuses a publish without a signature, naming the field', async () => {
    const res = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest: manifestOf('0.1.0', bytes), bytes: b64(bytes) },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('/signature');
  });

  it('refuses a manifest signed by a key the stack does not trust', async () => {
    const rogue = new Uint8Array(32).fill(7);
    const manifest = manifestOf('0.1.0', bytes, rogue);
    const res = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest, signature: signManifest(manifest, rogue), bytes: b64(bytes) },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('/manifest/keyId');
  });

  it('refuses tampered bytes and a tampered manifest', async () => {
    const manifest = manifestOf('0.1.0', bytes);
    const signature = signManifest(manifest, seed);
    const evil = Uint8Array.from(bytes);
    evil[10] = (evil[10] ?? 0) ^ 1;
    const tamperedBytes = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest, signature, bytes: b64(evil) },
    });
    expect(tamperedBytes.status).toBe(400);
    expect(tamperedBytes.body.errors[0].path).toBe('/bytes');
    const tamperedManifest = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: {
        manifest: { ...manifest, compatibility: { cameraModels: ['cm-x'] } },
        signature,
        bytes: b64(bytes),
      },
    });
    expect(tamperedManifest.status).toBe(400);
    expect(tamperedManifest.body.errors[0].path).toBe('/signature');
  });

  it('refuses a malformed manifest naming the field, and a caller who is not an operator', async () => {
    const manifest = { ...manifestOf('0.1.0', bytes), version: 'one' };
    const bad = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest, signature: 'a'.repeat(128), bytes: b64(bytes) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('/manifest/version');
    const asDevice = await api.request('POST', '/v1/artefacts', { token: cameras[0]!.token, body: {} });
    expect(asDevice.status).toBe(403);
  });
});

describe('OTA publish of a large artefact through an upload URL', () => {
  const big = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 31) % 251);

  it('hands out an upload URL, then publishes the uploaded bytes once they match the signed manifest', async () => {
    const manifest = { ...manifestOf('1.0.0', big), name: 'badas-large' };
    const signature = signManifest(manifest, seed);
    const step1 = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest, signature },
    });
    expect(step1.status).toBe(202);
    const put = await fetch(step1.body.upload.url, { method: 'PUT', body: big });
    expect(put.status).toBe(200);
    const step2 = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest, signature, uploaded: true },
    });
    expect(step2.status).toBe(201);
    expect(step2.body).toMatchObject({ name: 'badas-large', version: '1.0.0', status: 'published' });
  });

  it('refuses uploaded bytes that do not match, and a publish with nothing uploaded', async () => {
    const other = { ...manifestOf('1.1.0', big), name: 'badas-large' };
    const signature = signManifest(other, seed);
    const step1 = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest: other, signature },
    });
    const evil = Uint8Array.from(big);
    evil[1234] = (evil[1234] ?? 0) ^ 0xff;
    expect((await fetch(step1.body.upload.url, { method: 'PUT', body: evil })).status).toBe(200);
    const refused = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest: other, signature, uploaded: true },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('/bytes');
    const none = { ...manifestOf('1.2.0', big), name: 'badas-large' };
    const nothing = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest: none, signature: signManifest(none, seed), uploaded: true },
    });
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors[0].path).toBe('/uploaded');
    const forged = new URL(step1.body.upload.url);
    forged.searchParams.set('key', 'artefacts/model/badas/9.9.9/x');
    expect((await fetch(forged, { method: 'PUT', body: evil })).status).toBe(404);
  });
});

describe('OTA staged rollout through the stack', () => {
  it('publishes and completes a first release by hand; every camera is offered it, signed and downloadable', async () => {
    expect((await publish('1.0.0')).status).toBe(201);
    const done = await promote('1.0.0', { stage: 3 });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('complete');
    expect(new Set(await poll())).toEqual(new Set(['1.0.0']));
    const offer = (await api.request('GET', '/v1/models/current', { token: cameras[0]!.token })).body;
    const bytes = new Uint8Array(await (await fetch(offer.url)).arrayBuffer());
    expect(verifyArtefact(offer.manifest, offer.signature, [publicKeyOf(seed)], bytes).version).toBe('1.0.0');
    const config = await api.request('GET', '/v1/config/current', { token: cameras[0]!.token });
    expect(config.status).toBe(204);
    const wrongChannel = await api.request('GET', '/v1/models/current?kind=isp_profile', {
      token: cameras[0]!.token,
    });
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.body.errors[0].path).toBe('/kind');
    expect((await publish('0.9.0')).status).toBe(409);
  });

  it('rolls back, without a person, a candidate whose cameras alert three times as often on the same roads', async () => {
    expect((await publish('1.1.0')).status).toBe(201);
    expect((await promote('1.1.0', { stage: 2 })).body.stagePercent).toBe(50);
    const offered = await poll();
    expect(offered).toContain('1.1.0');
    expect(offered).toContain('1.0.0');
    for (let round = 0; round < 2; round++)
      for (const [i, cam] of cameras.entries()) await drive(cam, offered[i]!, offered[i] === '1.1.0' ? 3 : 1);

    // The controller decides; its schedule may have run first, which is the same decision.
    const outcomes = await runRolloutController(stack.deps);
    expect(outcomes.every((o) => o.action === 'rollback' && o.version === '1.1.0')).toBe(true);
    const status = await api.request('GET', '/v1/artefacts/model/badas', { token: stack.operatorToken });
    expect(status.body.candidate).toBeNull();
    expect(status.body.versions.find((v: { version: string }) => v.version === '1.1.0').status).toBe(
      'rolled_back',
    );
    expect(new Set(await poll())).toEqual(new Set(['1.0.0']));
    const audit = await stack.deps.audit.all();
    expect(audit.at(-1)).toMatchObject({
      action: 'artefact.rollback',
      actor: { role: 'system', id: 'rollout-controller' },
      target: 'model/badas@1.1.0',
    });
    expect((await promote('1.1.0')).status).toBe(409);
  }, 120_000);

  it('advances a healthy candidate to 100 % on its own', async () => {
    expect((await publish('1.2.0')).status).toBe(201);
    expect((await promote('1.2.0', { stage: 2 })).status).toBe(200);
    const offered = await poll();
    for (let round = 0; round < 2; round++)
      for (const [i, cam] of cameras.entries()) await drive(cam, offered[i]!, 5);
    // A test fleet drives minutes, not the default's 20 camera-hours per stage.
    const outcomes = await runRolloutController(stack.deps, {
      ...DEFAULT_ROLLOUT_POLICY,
      minCandidateExposureMin: 50,
    });
    expect(outcomes).toEqual([expect.objectContaining({ version: '1.2.0', action: 'advance', toStage: 3 })]);
    const audit = await stack.deps.audit.all();
    expect(audit.at(-1)).toMatchObject({
      action: 'artefact.promote',
      actor: { role: 'system' },
      details: { automatic: true, toStagePercent: 100 },
    });
    const status = await api.request('GET', '/v1/artefacts', { token: stack.operatorToken });
    expect(status.body.lines[0]).toMatchObject({ current: '1.2.0', candidate: null });
    expect(new Set(await poll())).toEqual(new Set(['1.2.0']));
  }, 120_000);
});
