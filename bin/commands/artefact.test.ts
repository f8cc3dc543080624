import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, verifyArtefact } from '../../lib/contract/artefact.ts';
import { artefactCommand } from './artefact.ts';

const dir = mkdtempSync(join(tmpdir(), 'dashnet-artefact-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(status = 201) {
  const lines: string[] = [];
  const requests: { url: string; method: string; body: unknown; auth: string | null }[] = [];
  const fakeFetch = (async (url: URL, init: RequestInit) => {
    requests.push({
      url: String(url),
      method: String(init.method),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      auth: new Headers(init.headers).get('authorization'),
    });
    return new Response(JSON.stringify({ ok: true }), { status });
  }) as unknown as typeof fetch;
  return {
    lines,
    requests,
    io: {
      log: (l: string) => lines.push(l),
      fetch: fakeFetch,
      now: () => Date.parse('2026-05-01T00:00:00Z'),
    },
  };
}

describe('dashnet artefact', () => {
  const seedFile = join(dir, 'release.seed');
  const model = join(dir, 'model.onnx');
  writeFileSync(model, 'onnx bytes');
  const fields = ['--kind', 'model', '--name', 'badas', '--version', '1.2.0', '--camera-models', 'cm-a,cm-b'];

  it('keygen writes a seed and prints its public key; sign writes a manifest that verifies against it', async () => {
    const k = io();
    expect(await artefactCommand(['keygen', '--out', seedFile], k.io)).toBe(0);
    const { publicKey } = JSON.parse(k.lines[0]!);
    const out = join(dir, 'signed.json');
    expect(
      await artefactCommand(
        ['sign', '--file', model, ...fields, '--provenance', 'rows=1200', '--key', seedFile, '--out', out],
        io().io,
      ),
    ).toBe(0);
    const signed = JSON.parse(readFileSync(out, 'utf8'));
    const m = verifyArtefact(
      signed.manifest,
      signed.signature,
      [fromHex(publicKey)],
      new Uint8Array(readFileSync(model)),
    );
    expect(m).toMatchObject({
      version: '1.2.0',
      provenance: { rows: 1200 },
      compatibility: { cameraModels: ['cm-a', 'cm-b'] },
    });
    expect(await artefactCommand(['keygen', '--out', seedFile], io().io)).toBe(2);
  });

  it('publishes manifest, signature and base64 bytes with the operator token', async () => {
    const p = io(201);
    const code = await artefactCommand(
      [
        'publish',
        '--file',
        model,
        ...fields,
        '--key',
        seedFile,
        '--api',
        'http://api.test',
        '--operator-token',
        'dno_x',
      ],
      p.io,
    );
    expect(code).toBe(0);
    expect(p.requests[0]).toMatchObject({
      url: 'http://api.test/v1/artefacts',
      method: 'POST',
      auth: 'Bearer dno_x',
    });
    expect(Buffer.from((p.requests[0]!.body as { bytes: string }).bytes, 'base64').toString()).toBe(
      'onnx bytes',
    );
  });

  it('publishes a file above 4 MiB through the upload URL the API hands out', async () => {
    const big = join(dir, 'big.onnx');
    writeFileSync(big, Buffer.alloc(5 * 1024 * 1024, 1));
    const calls: { url: string; method: string; body: unknown }[] = [];
    const answers = [
      { status: 202, body: { upload: { url: 'http://store.test/put?sig=x' } } },
      { status: 200, body: {} },
      { status: 201, body: { version: '1.2.0' } },
    ];
    const fakeFetch = (async (url: URL | string, init: RequestInit) => {
      calls.push({ url: String(url), method: String(init.method), body: init.body });
      const a = answers.shift()!;
      return new Response(JSON.stringify(a.body), { status: a.status });
    }) as unknown as typeof fetch;
    const code = await artefactCommand(
      [
        'publish',
        '--file',
        big,
        ...fields,
        '--key',
        seedFile,
        '--api',
        'http://api.test',
        '--operator-token',
        't',
      ],
      { log: () => {}, fetch: fakeFetch },
    );
    expect(code).toBe(0);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://api.test/v1/artefacts',
      'PUT http://store.test/put?sig=x',
      'POST http://api.test/v1/artefacts',
    ]);
    expect(JSON.parse(String(calls[0]!.body)).bytes).toBeUndefined();
    expect((calls[1]!.body as Uint8Array).length).toBe(5 * 1024 * 1024);
    expect(JSON.parse(String(calls[2]!.body)).uploaded).toBe(true);
  });

  it('promotes to a stage given as a percentage, and reports a refusal with exit 1', async () => {
    const p = io(200);
    expect(
      await artefactCommand(
        ['promote', ...fields.slice(0, 6), '--percent', '10', '--operator-token', 't', '--api', 'http://a'],
        p.io,
      ),
    ).toBe(0);
    expect(p.requests[0]).toMatchObject({
      url: 'http://a/v1/artefacts/model/badas/1.2.0/promote',
      body: { stage: 1 },
    });
    expect(
      await artefactCommand(
        ['rollback', ...fields.slice(0, 6), '--operator-token', 't', '--api', 'http://a'],
        io(409).io,
      ),
    ).toBe(1);
  });

  it('exits 2 on bad arguments', async () => {
    expect(
      await artefactCommand(['promote', '--kind', 'firmware', '--name', 'x', '--version', '1.0.0'], io().io),
    ).toBe(2);
    expect(await artefactCommand(['frobnicate'], io().io)).toBe(2);
    expect(await artefactCommand(['status', '--bogus', 'x'], io().io)).toBe(2);
  });
});
