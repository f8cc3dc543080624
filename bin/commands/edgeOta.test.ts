import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { RELEASE_KEYS, type SignedArtefact, signedArtefact } from '../../edge/ota/otaTestKit.ts';
import { toHex } from '../../lib/contract/artefact.ts';
import { edgeOtaCommand } from './edgeOta.ts';

describe('dashnet edge ota', () => {
  const model = signedArtefact(readBadasModel(), { version: '1.1.0' });
  // What the stand-in API serves; tests change it.
  const serving: { offer: SignedArtefact | undefined; bytes: Uint8Array } = {
    offer: model,
    bytes: model.bytes,
  };
  let server: Server;
  let api: string;
  let state: string;
  const tokens: (string | undefined)[] = [];

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'edge-ota-'));
    server = createServer((req, res) => {
      tokens.push(req.headers.authorization);
      if (req.url?.startsWith('/v1/models/current')) {
        if (!serving.offer) return void res.writeHead(204).end();
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(serving.offer.offer('/v1/artefacts/download?key=m')));
      }
      if (req.url === '/v1/artefacts/download?key=m')
        return void res.writeHead(200).end(Buffer.from(serving.bytes));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(state, { recursive: true, force: true });
  });

  const run = async (...extra: string[]) => {
    const lines: string[] = [];
    const code = await edgeOtaCommand(
      [
        '--api',
        api,
        '--token',
        'tok',
        '--camera-model',
        'cm-a',
        '--firmware',
        '2.0.0',
        '--key',
        toHex(RELEASE_KEYS[0]!),
        '--state',
        state,
        ...extra,
      ],
      (l) => lines.push(l),
    );
    const text = lines.join('').trim();
    return { code, out: text === '' ? [] : text.split('\n').map((l) => JSON.parse(l)) };
  };

  it('installs a signed model into the flash folder over HTTP, then finds it current after a restart', async () => {
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toEqual([
      { boot: [{ kind: 'model', fellBack: false }] },
      { kind: 'model', status: 'installed', version: '1.1.0' },
      { running: [{ kind: 'model', name: 'badas-anticipation', version: '1.1.0' }] },
    ]);
    expect(tokens.every((t) => t === 'Bearer tok')).toBe(true);
    const second = await run();
    expect(second.out.slice(0, 2)).toEqual([
      { boot: [{ kind: 'model', version: '1.1.0', fellBack: false }] },
      { kind: 'model', status: 'current', version: '1.1.0' },
    ]);
  });

  it('refuses a tampered download and keeps the installed model', async () => {
    const next = signedArtefact(readBadasModel(), { version: '1.2.0' });
    serving.offer = next;
    serving.bytes = next.bytes.slice();
    serving.bytes[7] = serving.bytes[7]! ^ 0xff;
    const { out } = await run();
    expect(out[1]).toMatchObject({ status: 'failed', code: 'BAD_BYTES' });
    expect(out[2]).toEqual({ running: [{ kind: 'model', name: 'badas-anticipation', version: '1.1.0' }] });
  });

  it('exits 2 on bad arguments', async () => {
    expect(await edgeOtaCommand(['--api', api])).toBe(2);
    expect(
      await edgeOtaCommand([
        '--api',
        api,
        '--token',
        't',
        '--camera-model',
        'c',
        '--firmware',
        '1.0.0',
        '--key',
        'zz',
      ]),
    ).toBe(2);
    expect(await run('--kind', 'firmware').then((r) => r.code)).toBe(2);
  });
});
