import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictPriors } from '../../edge/badas/priors/conflictPriors.ts';
import { InsightsStore } from '../../functions/adapters/insightsStore.ts';
import { PriorCandidateStore, priorsSourceOf } from '../../functions/adapters/priorsSource.ts';
import { rollupInsights } from '../../functions/scheduled/insightsRollup.ts';
import { createPriorsBuilderHandler } from '../../functions/scheduled/priorsBuilder.ts';
import { publicKeyOf, verifyArtefact } from '../../lib/contract/artefact.ts';
import { contributionsOf } from '../../lib/insights/contributions.ts';
import { FINAL_STAGE } from '../../lib/ota/cohort.ts';
import { buildPriorTile, signPriorTile } from '../../lib/priors/buildPriorTile.ts';
import { ENV } from '../../lib/resources.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import { localContext } from '../../local/esmRunner.ts';
import type { LocalStackHandle } from '../../local/localStack.ts';
import { type ApiClient, eventually } from '../apiClient.ts';
import { batch, offset, tripThrough } from '../factories.ts';
import { startArtefactStack } from './otaHarness.ts';

/**
 * Conflict priors through the stack: cameras' trips and near misses → insights (consumer, daily
 * rollup) → the tile builder over the real InsightsStore → signed offline with the release key →
 * published and promoted through the OTA routes → offered to a camera, which verifies and looks
 * its road up.
 */
let stack: LocalStackHandle;
let api: ApiClient;
let dir: string;
let seed: Uint8Array;

beforeAll(async () => {
  ({ stack, api, dir, seed } = await startArtefactStack('dashnet-priors-'));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env[ENV.artefactsDir];
  rmSync(dir, { recursive: true, force: true });
});

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** A junction where cameras come close to collisions, and a quiet street ~5 km away in the same area. */
const junction = { lat: 40.4512, lng: -79.9801 };
const quiet = { lat: 40.4312, lng: -79.9301 };
/** When the drives happen: all on one UTC day (the atom rule counts cameras per day). */
let t0 = Date.now() - 20 * 60_000;
// Just after midnight the drives would straddle two days: put them all in the last minutes of yesterday.
if (Math.floor(t0 / DAY_MS) !== Math.floor((t0 + 10 * 60_000) / DAY_MS))
  t0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 15 * 60_000;
t0 = Math.floor(Date.now() / DAY_MS) * DAY_MS + 60_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function stretch(origin: { lat: number; lng: number }, t: number) {
  return Array.from({ length: 4 }, (_, i) => ({
    ...offset(origin.lat, origin.lng, 0, i * 100),
    ts: new Date(t + i * 10_000).toISOString(),
    heading: 90,
  }));
}

const nearMiss = (at: { lat: number; lng: number; ts: string }) => ({
  id: randomUUID(),
  type: 'near_miss' as const,
  ts: at.ts,
  lat: at.lat,
  lng: at.lng,
  ttcS: 1.1,
  badasScore: 0.7,
});

async function rawCount(): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await stack.deps.clients.ddb.send(
      new ScanCommand({ TableName: stack.deps.names.insightsRawTable, ExclusiveStartKey: start }),
    );
    n += (res.Items ?? []).filter((i) => String(i.pk).startsWith('raw#')).length;
    start = res.LastEvaluatedKey;
  } while (start);
  return n;
}

describe('conflict priors through the stack', () => {
  const region = cellToParent(latLngToCell(junction.lat, junction.lng, 8), 4);

  it('builds a tile from the insights, publishes it signed, and a camera verifies and uses it', async () => {
    expect(cellToParent(latLngToCell(quiet.lat, quiet.lng, 8), 4)).toBe(region);
    // Six cameras drive both roads; at the junction each comes close to a collision twice.
    let expectedRaw = 0;
    for (let i = 0; i < 6; i++) {
      const cam = await api.camera();
      const j = stretch(junction, t0 + i * 1000);
      const q = stretch(quiet, t0 + 5 * 60_000 + i * 1000);
      const events = [tripThrough(j, 10), nearMiss(j[1]!), nearMiss(j[2]!), tripThrough(q, 12)];
      const res = await api.request('POST', '/v1/telemetry', { token: cam.token, body: batch(events) });
      expect(res.status).toBe(202);
      expect(res.body.accepted).toBe(events.length);
      expectedRaw += contributionsOf({
        v: 1,
        pseudonym: 'x'.repeat(16),
        batchKey: 'k'.repeat(8),
        events: events as StreamRecord['events'],
      }).length;
    }
    // Every record in before the day is folded, so the fold sees all six cameras.
    await eventually(async () => ((await rawCount()) >= expectedRaw ? true : undefined));
    await eventually(async () => {
      await rollupInsights(stack.deps, Date.now() + 26 * HOUR_MS);
      const s = new InsightsStore(
        stack.deps.clients.ddb,
        stack.deps.names.insightsRawTable,
        stack.deps.names.insightsTable,
      );
      const days = await s.days([latLngToCell(junction.lat, junction.lng, 8)], day(t0), day(t0));
      return days.length > 0 ? true : undefined;
    });

    const store = new InsightsStore(
      stack.deps.clients.ddb,
      stack.deps.names.insightsRawTable,
      stack.deps.names.insightsTable,
    );
    const { candidate, priors } = await buildPriorTile(priorsSourceOf(store), {
      region,
      fromDay: day(t0 - DAY_MS),
      toDay: day(t0 + DAY_MS),
      createdAt: new Date().toISOString(),
    });
    const junctionCell = latLngToCell(junction.lat, junction.lng, 8);
    const quietCell = latLngToCell(quiet.lat, quiet.lng, 8);
    const byCell = new Map(priors.cells.map((c) => [c.cell, c]));
    expect(byCell.get(junctionCell)).toMatchObject({ nearMisses: expect.any(Number), cameraDays: 6 });
    expect(byCell.get(junctionCell)!.nearMisses).toBeGreaterThanOrEqual(6);
    expect(byCell.get(quietCell)?.nearMisses).toBe(0);

    // The scheduled builder (run as if tomorrow: it reads complete days only) stores the same tile.
    const builder = createPriorsBuilderHandler({ ...stack.deps, clock: () => Date.now() + DAY_MS });
    const report = await builder({ regions: [region] }, localContext('priorsBuilder'));
    expect(report.built).toEqual([{ region, version: expect.any(String), cells: priors.cells.length }]);
    const stored = await new PriorCandidateStore(
      stack.deps.clients.ddb,
      stack.deps.names.insightsTable,
    ).candidates(region);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.bytes).toEqual(candidate.bytes);

    // Offline: the operator signs; then publishes and promotes through the OTA routes.
    const t = signPriorTile(candidate, seed);
    const published = await api.request('POST', '/v1/artefacts', {
      token: stack.operatorToken,
      body: { manifest: t.manifest, signature: t.signature, bytes: Buffer.from(t.bytes).toString('base64') },
    });
    expect(published.status).toBe(201);
    const promoted = await api.request(
      'POST',
      `/v1/artefacts/conflict_priors/${t.manifest.name}/${t.manifest.version}/promote`,
      { token: stack.operatorToken, body: { stage: FINAL_STAGE } },
    );
    expect(promoted.status).toBe(200);

    // The camera polls for its area's line, downloads, verifies and looks its road up.
    const cam = await api.camera();
    const offer = await api.request(
      'GET',
      `/v1/config/current?kind=conflict_priors&name=${t.manifest.name}`,
      {
        token: cam.token,
      },
    );
    expect(offer.status).toBe(200);
    expect(offer.body).toMatchObject({ kind: 'conflict_priors', version: t.manifest.version });
    const download = await fetch(offer.body.url);
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    const manifest = verifyArtefact(offer.body.manifest, offer.body.signature, [publicKeyOf(seed)], bytes);
    const onCamera = new ConflictPriors();
    onCamera.addVerifiedTile(bytes, manifest);
    const atJunction = onCamera.at(junction.lat, junction.lng);
    const onQuiet = onCamera.at(quiet.lat, quiet.lng);
    expect(atJunction).toBeDefined();
    expect(onQuiet).toBeDefined();
    expect(atJunction!.logRateRatio).toBeGreaterThan(onQuiet!.logRateRatio);
    // A road nobody drove: no prior, the plain model.
    expect(onCamera.at(40.47, -79.95)).toBeUndefined();
  }, 120_000);
});
