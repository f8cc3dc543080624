import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeByteFetch } from './nodeByteFetch.ts';
import { artefactBytes } from './otaTestKit.ts';

describe('nodeByteFetch', () => {
  const body = artefactBytes(200_000, 3);
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/missing') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('returns the exact bytes and status, with the headers it was given', async () => {
    const res = await nodeByteFetch({ url: `${url}/a`, headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(res.bytes).toEqual(body);
    expect(seen.at(-1)).toBe('Bearer t');
  });

  it('stops one byte past maxBytes, so an over-long body is seen but not held', async () => {
    const res = await nodeByteFetch({ url: `${url}/a`, headers: {}, maxBytes: 1000 });
    expect(res.bytes).toEqual(body.subarray(0, 1001));
  });

  it('passes HTTP errors through as statuses', async () => {
    expect((await nodeByteFetch({ url: `${url}/missing`, headers: {} })).status).toBe(404);
  });
});
