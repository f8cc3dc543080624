import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAZARD_KINDS } from '../lib/contract/hazards.ts';
import { mapRoutes } from './mapRoutes.ts';

describe('the map page routes', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const route = mapRoutes({
      roadsFile: new URL('../data/roads/pgh_major_roads.geojson.gz', import.meta.url),
      webDir: new URL('../web/', import.meta.url),
      cells: () => [],
      detectorWindowMinutes: 20,
    });
    server = createServer(async (req, res) => {
      if (!(await route(req, res, new URL(req.url ?? '/', 'http://x')))) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves a label and a colour for every hazard kind, from the one hazard-kind table', async () => {
    const res = await fetch(`${base}/map/kinds.json`);
    expect(res.status).toBe(200);
    const legend = (await res.json()) as {
      kind: string;
      label: string;
      colour: string;
      windowMinutes: number;
    }[];
    expect(legend.map((k) => k.kind).sort()).toEqual([...HAZARD_KINDS].sort());
    for (const k of legend) {
      expect(k.label.length).toBeGreaterThan(0);
      expect(k.colour).toMatch(/^#[0-9a-f]{6}$/i);
      expect(k.windowMinutes).toBeGreaterThan(0);
    }
  });
});
