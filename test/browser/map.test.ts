import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCells } from '../../local/liveCells.ts';
import { type LocalStackHandle, startLocalStack } from '../../local/localStack.ts';
import { mapRoutes } from '../../local/mapRoutes.ts';
import { ApiClient } from '../apiClient.ts';
import { batch, hardBrake, offset } from '../factories.ts';

const ROADS = new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url);
const WEB = new URL('../../web/', import.meta.url);
/** Penn Avenue (primary) in Bloomfield: on a drawn road, well inside the initial view. */
const SITE = { lat: 40.4635, lng: -79.93068 };

let stack: LocalStackHandle;
let api: ApiClient;
let browser: Browser;
let page: Page;
const live = new LiveCells();

beforeAll(async () => {
  stack = await startLocalStack({
    esm: { maxBatchingWindowS: 0.1 },
    extra: (stack) =>
      mapRoutes({
        roadsFile: ROADS,
        webDir: WEB,
        cells: () => live.snapshot(),
        detectorWindowMinutes: stack.deps.detector.windowMinutes,
      }),
    onAggregation: (r) => live.add(r),
  });
  api = new ApiClient(stack.url, stack.operatorToken);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('map routes', () => {
  it('refuses paths that climb out of the web folder', async () => {
    for (const path of [
      '/map/..%2f..%2fpackage.json',
      '/map/%2e%2e/package.json',
      '/map/.%2e/tsconfig.json',
    ]) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('"dependencies"');
    }
  });

  it('serves live data uncached and redirects / to the map', async () => {
    const liveRes = await fetch(`${stack.url}/map/live.json`);
    expect(liveRes.headers.get('cache-control')).toBe('no-store');
    expect(await liveRes.json()).toMatchObject({ cameras: [], cells: [] });
    const root = await fetch(`${stack.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/map/');
  });
});

describe('the live map page', () => {
  it('draws the road network with attribution and lists no hazards on an empty stack', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${stack.url}/map/`);
    await page.waitForSelector('canvas[data-roads-drawn]', { timeout: 15_000 });
    // Road pixels are what the canvas shows beyond its background colour.
    const lit = await page.evaluate(() => {
      const c = document.getElementById('map') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 16) if (data[i]! + data[i + 1]! + data[i + 2]! > 150) n++;
      return n;
    });
    expect(lit).toBeGreaterThan(1000);
    expect(await page.textContent('#attribution')).toMatch(/OpenStreetMap contributors,\s*ODbL/);
    await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toMatch(/live/);
    expect(await page.locator('[data-hazard-id]').count()).toBe(0);
    expect(await page.textContent('#count-hazards')).toBe('0');
    expect(errors).toEqual([]);
  });

  it('shows a hazard appear when ten cameras brake hard within the same 100 m', async () => {
    for (let i = 0; i < 10; i++) {
      const cam = await api.camera();
      const p = offset(SITE.lat, SITE.lng, (i % 3) * 10 - 10, i * 8 - 40);
      const body = batch([
        hardBrake({ ...p, heading: 290, ts: new Date(Date.now() - (10 - i) * 20_000).toISOString() }),
      ]);
      const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body });
      expect(res.status).toBe(202);
    }
    const row = await page.waitForSelector('[data-hazard-id]', { timeout: 30_000 });
    expect(await row.textContent()).toMatch(/Slowdown \/ obstruction.*10 cameras/);
    expect(await page.textContent('#count-hazards')).toBe('1');
    // The same evidence, cell by cell, reached the map through LiveCells.
    await expect.poll(() => page.textContent('#count-cells'), { timeout: 5_000 }).not.toBe('0');
  });
});
