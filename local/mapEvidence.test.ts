import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceRoute, type MapEvidenceQuery, parseEvidenceQuery } from './mapRoutes.ts';

describe('parseEvidenceQuery', () => {
  it("reads a hazard's place, span and optional heading", () => {
    const q = parseEvidenceQuery(
      new URLSearchParams(
        'lat=40.44&lng=-79.99&from=2026-05-04T07:00:00Z&to=2026-05-04T07:20:00Z&heading=90',
      ),
    );
    expect(q).toEqual({
      lat: 40.44,
      lng: -79.99,
      fromMs: Date.UTC(2026, 4, 4, 7, 0, 0),
      toMs: Date.UTC(2026, 4, 4, 7, 20, 0),
      headingDeg: 90,
    });
  });

  it('refuses a missing coordinate, a bad time or a span that ends before it starts', () => {
    for (const qs of [
      'lng=-79.99&from=2026-05-04T07:00:00Z&to=2026-05-04T07:20:00Z',
      'lat=40.44&lng=-79.99&from=yesterday&to=2026-05-04T07:20:00Z',
      'lat=40.44&lng=-79.99&from=2026-05-04T07:20:00Z&to=2026-05-04T07:00:00Z',
      'lat=91&lng=-79.99&from=2026-05-04T07:00:00Z&to=2026-05-04T07:20:00Z',
    ])
      expect(parseEvidenceQuery(new URLSearchParams(qs)), qs).toBeUndefined();
  });
});

describe('evidenceRoute', () => {
  let server: Server;
  let base: string;
  let provider: ((q: MapEvidenceQuery) => unknown) | undefined;
  beforeAll(async () => {
    const route = evidenceRoute(() => provider);
    server = createServer(async (req, res) => {
      if (!(await route(req, res, new URL(req.url ?? '/', 'http://x')))) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const url = '/map/evidence.json?lat=40.44&lng=-79.99&from=2026-05-04T07:00:00Z&to=2026-05-04T07:20:00Z';

  it('answers 404 when no fleet keeps evidence, and leaves other paths alone', async () => {
    provider = undefined;
    expect((await fetch(`${base}${url}`)).status).toBe(404);
    expect((await fetch(`${base}/map/live.json`)).status).toBe(418);
  });

  it("passes the parsed query to the fleet's evidence and returns it uncached", async () => {
    let seen: MapEvidenceQuery | undefined;
    provider = (q) => {
      seen = q;
      return { stages: { device: { events: 3, cameras: 2 } } };
    };
    const res = await fetch(`${base}${url}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ stages: { device: { events: 3, cameras: 2 } } });
    expect(seen?.lat).toBe(40.44);
    expect((await fetch(`${base}/map/evidence.json?lat=40.44`)).status).toBe(400);
  });
});
