import { ConditionalCheckFailedException, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cellToChildPos, cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../functions/adapters/awsClients.ts';
import { BUCKET_PARTITION_RESOLUTION, partitionOf } from '../../functions/adapters/bucketStore.ts';
import { areaOfCell } from '../../functions/adapters/hazardStore.ts';
import { IdentityStore } from '../../functions/adapters/identityStore.ts';
import { RateLimiter } from '../../functions/adapters/rateLimiter.ts';
import { sweepExpired } from '../../functions/adapters/retentionSweeper.ts';
import { type AppDeps, createDeps } from '../../functions/runtime/deps.ts';
import { createDeletionWorker } from '../../functions/stream/deletionWorker.ts';
import { verifyChain } from '../../lib/audit/hashChain.ts';
import { baselineAttr, hourOfWeek } from '../../lib/hazards/baseline.ts';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import type { HazardRecord } from '../../lib/hazards/hazardRecord.ts';
import type { HeadingSector } from '../../lib/hazards/headingSector.ts';
import type { CellCounts, Contribution } from '../../lib/insights/contributions.ts';
import { pseudonymOf, utcDay } from '../../lib/privacy/pseudonym.ts';
import { TABLES } from '../../lib/resources.ts';
import { type EpochMinute, epochMinute } from '../../lib/time/epochMinute.ts';
import { fileFailureSink } from '../../local/fileFailureSink.ts';
import { createTableInput, resourceNames, TABLE_NAME_OF } from '../../local/provision.ts';
import { eventually } from '../apiClient.ts';
import { type ExternalEmulator, startDynamoDbLocal } from './awsEmulators.ts';

let dynamodb: ExternalEmulator | undefined;
let deps: AppDeps;

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal();
  const names = resourceNames('conformance');
  // Kinesis is never called here: an unroutable endpoint makes any accidental call fail fast.
  const clients = createAwsClients({
    region: 'us-east-1',
    endpoints: { dynamodb: dynamodb.endpoint, kinesis: 'http://127.0.0.1:9' },
  });
  for (const def of TABLES) {
    // Tables from the shared definitions, as provisioning and the CDK stack create them.
    await clients.ddb.send(new CreateTableCommand(createTableInput(def, names[TABLE_NAME_OF[def.id]!])));
  }
  deps = createDeps({
    clients,
    names,
    operatorToken: async () => 'dno_conformance',
    failureSink: fileFailureSink(undefined),
  });
});

afterAll(async () => {
  deps?.clients.ddb.destroy();
  await dynamodb?.stop();
});

const NOW = Date.now();
const site = { lat: 40.4512, lng: -79.9801 };
const cell = latLngToCell(site.lat, site.lng, 10);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('IdentityStore on DynamoDB Local', () => {
  it('refuses a second device with the same id (conditional put)', async () => {
    await deps.identity.createDevice('dev-a', 'hash-a1', NOW);
    expect(await rejection(deps.identity.createDevice('dev-a', 'hash-a2', NOW))).toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    expect(await deps.identity.tokenGrant('hash-a1')).toEqual({ deviceId: 'dev-a', network: false });
    expect(await deps.identity.tokenGrant('hash-a2')).toBeUndefined();
  });

  it('records consent with a version that grows from if_not_exists, on profile and token', async () => {
    await deps.identity.createDevice('dev-b', 'hash-b', NOW);
    expect((await deps.identity.setConsent('dev-b', 'hash-b', true, NOW)).version).toBe(1);
    expect(await deps.identity.tokenGrant('hash-b')).toEqual({ deviceId: 'dev-b', network: true });
    expect((await deps.identity.setConsent('dev-b', 'hash-b', false, NOW + 1)).version).toBe(2);
    expect((await deps.identity.profile('dev-b'))?.consent).toEqual({
      network: false,
      atMs: NOW + 1,
      version: 2,
    });
    expect(await deps.identity.tokenGrant('hash-b')).toEqual({ deviceId: 'dev-b', network: false });
  });

  it('refuses consent for an unknown token (attribute_exists)', async () => {
    expect(await rejection(deps.identity.setConsent('dev-x', 'hash-x', true, NOW))).toBeInstanceOf(
      ConditionalCheckFailedException,
    );
  });

  it('agrees on one period key when first uses race in separate containers', async () => {
    const table = deps.names.identityTable;
    const stores = [0, 1, 2].map(() => new IdentityStore(deps.clients.ddb, table));
    const keys = await Promise.all(
      stores.flatMap((s, i) =>
        [0, 1].map((j) =>
          s.periodKey('day#2026-01-01', () => `key-${i}-${j}`, Math.floor(NOW / 1000) + 3600),
        ),
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(await deps.identity.existingPeriodKey('day#2026-01-01', NOW)).toBe(keys[0]);
    // Past its expiry the key counts as destroyed, though TTL has not deleted it yet.
    expect(await deps.identity.existingPeriodKey('day#2026-01-01', NOW + 7200_000)).toBeUndefined();
  });

  it('rotates a token (old one refused), revokes the device, and refuses rotation after', async () => {
    await deps.identity.createDevice('dev-c', 'hash-c1', NOW);
    await deps.identity.setConsent('dev-c', 'hash-c1', true, NOW);
    expect(await deps.identity.rotateToken('dev-c', 'hash-c2', NOW)).toBe(true);
    expect(await deps.identity.tokenGrant('hash-c1')).toBeUndefined();
    expect(await deps.identity.tokenGrant('hash-c2')).toEqual({ deviceId: 'dev-c', network: true });
    expect(await deps.identity.revokeDevice('dev-c', NOW)).toBe(true);
    expect(await deps.identity.tokenGrant('hash-c2')).toBeUndefined();
    expect(await deps.identity.revokeDevice('dev-c', NOW)).toBe(false);
    expect(await deps.identity.rotateToken('dev-c', 'hash-c3', NOW)).toBe(false);
  });

  it('stores a credential once, with nested regions, and approves a legal request once, not by its recorder', async () => {
    const attrs = { id: 'ins-1', role: 'insurer', name: 'Acme', createdAtMs: NOW, regions: [[1, 2, 3, 4]] };
    await deps.identity.putCredential('APIKEY', 'key-hash', attrs);
    expect(await rejection(deps.identity.putCredential('APIKEY', 'key-hash', attrs))).toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    expect(await deps.identity.credential('APIKEY', 'key-hash')).toEqual(attrs);

    await deps.identity.putLegalRequest({
      requestId: 'legal-1',
      legalReference: 'court order 1',
      deviceId: 'dev-a',
      fromMs: NOW - 3600_000,
      toMs: NOW,
      recordedBy: 'staff-1',
      recordedAtMs: NOW,
      status: 'pending',
    });
    expect(await deps.identity.approveLegalRequest('legal-1', 'staff-1', NOW)).toBe(false);
    expect(await deps.identity.approveLegalRequest('legal-1', 'staff-2', NOW)).toBe(true);
    expect(await deps.identity.approveLegalRequest('legal-1', 'staff-3', NOW)).toBe(false);
    expect(await deps.identity.legalRequest('legal-1')).toMatchObject({
      status: 'approved',
      approvedBy: 'staff-2',
    });
  });
});

describe('IngestStore on DynamoDB Local', () => {
  it('marks a batch once; the same batch again is a duplicate until its marker expires', async () => {
    expect(await deps.ingest.mark('batch-1', 3, NOW, 'p1')).toBe(true);
    expect(await deps.ingest.mark('batch-1', 3, NOW, 'p1')).toBe(false);
    expect(await deps.ingest.mark('batch-1', 3, NOW + 8 * 24 * 3600_000, 'p1')).toBe(true);
  });
});

describe('BucketStore on DynamoDB Local', () => {
  const minute = epochMinute(NOW);
  const delta = (m: number, kind: BucketDelta['kind'], pseudonyms: string[], sector: HeadingSector = 2) => ({
    kind,
    cell,
    sector,
    minute: m as EpochMinute,
    pseudonyms: new Set(pseudonyms),
    lastTsMs: m * 60_000,
  });

  it('adds pseudonyms to a string set, idempotently, and reads the window with BETWEEN on the sort key', async () => {
    const deltas: BucketDelta[] = [
      delta(minute - 5, 'brake', ['a', 'b']),
      delta(minute - 5, 'brake', ['b', 'c']),
      delta(minute - 5, 'pass', ['a', 'd'], 'x'),
      delta(minute - 30, 'brake', ['old']),
      delta(minute + 1, 'brake', ['later']),
    ];
    expect(await deps.buckets.write(deltas)).toEqual([]);
    expect(await deps.buckets.write(deltas)).toEqual([]);
    const read = await deps.buckets.readPartitions(
      [partitionOf(cell)],
      (minute - 20) as EpochMinute,
      minute,
      NOW,
    );
    const byKind = Object.fromEntries(
      read.map((e) => [e.kind, { ...e, pseudonyms: [...e.pseudonyms].sort() }]),
    );
    expect(read).toHaveLength(2);
    expect(byKind.brake).toEqual({
      kind: 'brake',
      cell,
      minute: minute - 5,
      sector: 2,
      pseudonyms: ['a', 'b', 'c'],
    });
    expect(byKind.pass).toMatchObject({ sector: 'x', pseudonyms: ['a', 'd'] });
    const brakesOnly = await deps.buckets.readPartitions(
      [partitionOf(cell)],
      (minute - 20) as EpochMinute,
      minute,
      NOW,
      new Set(['brake'] as const),
    );
    expect(brakesOnly.map((e) => e.kind)).toEqual(['brake']);
  });

  it('skips buckets past their expiry that TTL has not deleted yet', async () => {
    const read = await deps.buckets.readPartitions(
      [partitionOf(cell)],
      (minute - 40) as EpochMinute,
      (minute + 5) as EpochMinute,
      NOW + 49 * 3600_000,
    );
    expect(read).toEqual([]);
  });
});

describe('HazardStore on DynamoDB Local', () => {
  const hazard: HazardRecord = {
    id: 'hz-conformance-1',
    kind: 'slowdown_or_obstruction',
    signal: 'brake',
    cell,
    sector: 2,
    lat: site.lat,
    lng: site.lng,
    firstSeenMs: NOW - 10 * 60_000,
    lastSeenMs: NOW - 5 * 60_000,
    cameras: 10,
    confidence: 0.9,
  };
  const month = new Date(hazard.firstSeenMs).toISOString().slice(0, 7);
  const history = async () =>
    (await deps.hazards.listHistory([areaOfCell(cell)], [month], NOW)).find((h) => h.id === hazard.id);
  const activeIds = async () => (await deps.hazards.listActive([areaOfCell(cell)])).map((h) => h.id);

  it('creates a hazard once: the second create of the same id returns false', async () => {
    expect(await deps.hazards.create(hazard)).toBe(true);
    expect(await deps.hazards.create({ ...hazard, cameras: 99 })).toBe(false);
    expect((await history())?.cameras).toBe(10);
  });

  it('refuses an update that would move lastSeen backwards, applies a newer one', async () => {
    await deps.hazards.update({ ...hazard, lastSeenMs: hazard.lastSeenMs - 60_000, cameras: 3 });
    expect(await history()).toMatchObject({ cameras: 10, lastSeenMs: hazard.lastSeenMs });
    await deps.hazards.update({ ...hazard, lastSeenMs: NOW - 60_000, cameras: 12, confidence: 0.95 });
    expect(await history()).toMatchObject({ cameras: 12, lastSeenMs: NOW - 60_000, confidence: 0.95 });
    // The active index is eventually consistent: poll it.
    await eventually(async () => ((await activeIds()).includes(hazard.id) ? true : undefined));
  });

  it('keeps a hazard created already cleared out of the sparse active index', async () => {
    const cleared = { ...hazard, id: 'hz-conformance-2', clearedAtMs: NOW };
    expect(await deps.hazards.create(cleared)).toBe(true);
    const stored = await deps.hazards.listHistory([areaOfCell(cell)], [month], NOW);
    expect(stored.find((h) => h.id === cleared.id)?.clearedAtMs).toBe(NOW);
    expect(await activeIds()).not.toContain(cleared.id);
  });

  it('removes a cleared hazard from the active index and keeps it in history', async () => {
    await deps.hazards.update({ ...hazard, lastSeenMs: NOW, cameras: 12, clearedAtMs: NOW });
    await eventually(async () => ((await activeIds()).includes(hazard.id) ? undefined : true));
    expect(await history()).toMatchObject({ clearedAtMs: NOW, lastSeenMs: NOW });
    // History excludes hazards past their retention that TTL has not deleted yet.
    expect(await deps.hazards.listHistory([areaOfCell(cell)], [month], NOW + 400 * 24 * 3600_000)).toEqual(
      [],
    );
  });
});

describe('BaselineStore on DynamoDB Local', () => {
  const partition = cellToParent(cell, BUCKET_PARTITION_RESOLUTION);
  const epochHour = Math.floor(NOW / 3600_000) - 2;
  const how = hourOfWeek(epochHour * 60);

  it('applies an hour once (ADD, guarded by contains on the applied set) and reads it back with BatchGet', async () => {
    expect(await deps.baselines.markDirty([{ partition, hour: epochHour }])).toBe(1);
    expect(await deps.baselines.markDirty([{ partition, hour: epochHour }])).toBe(0);
    expect(await deps.baselines.dirtyPartitions(epochHour)).toEqual([partition]);
    const counts = new Map([
      [baselineAttr(cell, 2), { signals: 1, passers: 4 }],
      [baselineAttr(cell, 'x'), { signals: 0, passers: 2 }],
    ]);
    expect(await deps.baselines.applyHour(partition, how, epochHour, counts)).toBe(true);
    expect(await deps.baselines.applyHour(partition, how, epochHour, counts)).toBe(false);
    expect(await deps.baselines.dirtyPartitions(epochHour)).toEqual([]);
    // The same hour of the next week adds to the same item.
    expect(await deps.baselines.applyHour(partition, how, epochHour + 168, counts)).toBe(true);
    const read = await deps.baselines.read([partition, cellToParent(latLngToCell(0, 0, 10), 8)], how);
    expect([...read.keys()]).toEqual([partition]);
    expect(Object.fromEntries(read.get(partition)!)).toEqual({
      [baselineAttr(cell, 2)]: { signals: 2, passers: 8 },
      [baselineAttr(cell, 'x')]: { signals: 0, passers: 4 },
    });
  });

  it('applies a busy hour with every cell and sector of a partition (the 4 KB expression limit)', async () => {
    const busy = cellToParent(latLngToCell(40.4406, -79.9959, 10), BUCKET_PARTITION_RESOLUTION);
    const sectors: HeadingSector[] = [0, 1, 2, 3, 4, 5, 6, 7, 'x'];
    const counts = new Map(
      cellToChildren(busy, 10).flatMap((c) =>
        sectors.map((s) => [baselineAttr(c, s), { signals: 1, passers: 3 }]),
      ),
    );
    expect(counts.size).toBe(49 * 9);
    expect(await deps.baselines.applyHour(busy, how, epochHour, counts)).toBe(true);
    expect(await deps.baselines.applyHour(busy, how, epochHour, counts)).toBe(false);
    const read = (await deps.baselines.read([busy], how)).get(busy)!;
    expect(read.size).toBe(counts.size);
    expect([...read.values()].every((c) => c.signals === 1 && c.passers === 3)).toBe(true);
  });

  it('refuses an hour that an earlier version applied under its whole-hour mark', async () => {
    const older = cellToParent(latLngToCell(40.4306, -79.9659, 10), BUCKET_PARTITION_RESOLUTION);
    await deps.clients.ddb.send(
      new PutCommand({
        TableName: deps.names.baselinesTable,
        Item: { pk: `base#${older}`, sk: String(how), appliedHours: new Set([String(epochHour)]) },
      }),
    );
    const counts = new Map([[baselineAttr(cellToChildren(older, 10)[0]!, 2), { signals: 1, passers: 1 }]]);
    expect(await deps.baselines.applyHour(older, how, epochHour, counts)).toBe(false);
    expect((await deps.baselines.read([older], how)).get(older)?.size).toBe(0);
  });

  it('completes an hour interrupted after some of its writes without adding any cell twice', async () => {
    const busy = cellToParent(latLngToCell(40.4612, -79.9259, 10), BUCKET_PARTITION_RESOLUTION);
    const counts = new Map(
      cellToChildren(busy, 10).flatMap((c) =>
        ([0, 4, 'x'] as HeadingSector[]).map((s) => [baselineAttr(c, s), { signals: 2, passers: 5 }]),
      ),
    );
    // As if the rollup crashed after writing the first cells' group: those alone were applied.
    const firstGroup = new Map([...counts].filter(([key]) => cellToChildPos(key.split('_')[0]!, 8) < 7));
    expect(firstGroup.size).toBe(7 * 3);
    expect(await deps.baselines.applyHour(busy, how, epochHour, firstGroup)).toBe(true);
    expect(await deps.baselines.applyHour(busy, how, epochHour, counts)).toBe(true);
    expect(await deps.baselines.applyHour(busy, how, epochHour, counts)).toBe(false);
    const read = (await deps.baselines.read([busy], how)).get(busy)!;
    expect(read.size).toBe(counts.size);
    expect([...read.values()].every((c) => c.signals === 2 && c.passers === 5)).toBe(true);
  });
});

describe('StatsStore on DynamoDB Local', () => {
  it('adds to sharded counters and sums them on read', async () => {
    await deps.stats.add({ accepted: 2, processed: 1 }, 3);
    await deps.stats.add({ accepted: 1, duplicates: 1 }, 12);
    await deps.stats.add({ rejected: 0 }, 1);
    await deps.stats.setIteratorAge(1500, NOW);
    expect(await deps.stats.read()).toEqual({
      accepted: 3,
      duplicates: 1,
      rejected: 0,
      processed: 1,
      failedToDestination: 0,
      iteratorAgeMs: 1500,
    });
  });
});

describe('RateLimiter on DynamoDB Local', () => {
  it('allows exactly the limit per window, also under concurrent requests', async () => {
    const limiter = new RateLimiter(deps.clients.ddb, deps.names.rateLimitsTable, {
      device: { limit: 3, windowS: 60 },
      insurer: { limit: 5, windowS: 60 },
    });
    const windowStart = Math.floor(NOW / 60_000) * 60_000;
    const decisions = await Promise.all(
      Array.from({ length: 8 }, () => limiter.hit('device', 'pseudo-1', windowStart + 1000)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    expect(decisions.find((d) => !d.allowed)).toEqual({ allowed: false, retryAfterS: 59 });
    expect(await limiter.hit('device', 'pseudo-1', windowStart + 61_000)).toEqual({ allowed: true });
    expect(await limiter.hit('insurer', 'pseudo-1', windowStart + 1000)).toEqual({ allowed: true });
  });
});

describe('AuditStore on DynamoDB Local', () => {
  it('chains appends, concurrent ones included, without gaps or forks', async () => {
    const fact = (i: number) => ({
      at: new Date(NOW + i).toISOString(),
      actor: { role: 'operator', id: 'op' },
      action: 'device.revoke',
      target: `device:${i}`,
      details: { n: i, ok: true },
    });
    for (let i = 0; i < 3; i++) await deps.audit.append(fact(i));
    await Promise.all([3, 4, 5, 6, 7].map((i) => deps.audit.append(fact(i))));
    const entries = await deps.audit.all();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(verifyChain(entries, deps.sha256)).toMatchObject({ ok: true, entries: 8 });
    expect((await deps.audit.head())?.seq).toBe(8);
  });
});

describe('deletion on DynamoDB Local', () => {
  it('keeps one pending job per device, saves progress (SET/REMOVE) and finishes it', async () => {
    const owner = 'owner-hash';
    const id = await deps.deletions.create({ requestId: 'del-1', deviceId: 'dev-d', owner, nowMs: NOW });
    expect(await deps.deletions.create({ requestId: 'del-2', deviceId: 'dev-d', owner, nowMs: NOW })).toBe(
      id,
    );
    expect(await deps.deletions.queued()).toContain('del-1');
    await deps.deletions.progress('del-1', { phase: 'Ingest', cursor: '{"pk":"x"}', deletedItems: 2 });
    await deps.deletions.progress('del-1', { cursor: undefined });
    const job = await deps.deletions.get('del-1');
    expect(job).toMatchObject({ status: 'pending', phase: 'Ingest', deletedItems: 2 });
    expect(job?.cursor).toBeUndefined();
    await deps.deletions.finish(job!, NOW);
    const done = await deps.deletions.get('del-1');
    expect(done).toMatchObject({ status: 'done', doneAtMs: NOW, deletedItems: 2 });
    expect(done?.deviceId).toBeUndefined();
    expect(done?.phase).toBeUndefined();
    expect(await deps.deletions.queued()).not.toContain('del-1');
    expect(await deps.deletions.create({ requestId: 'del-3', deviceId: 'dev-d', owner, nowMs: NOW })).toBe(
      'del-3',
    );
  });

  it("erases a device's pseudonym from bucket sets (contains, DELETE), its markers (IN) and raw insights", async () => {
    const day = utcDay(NOW);
    const key = await deps.identity.periodKey(`day#${day}`, () => 'day-key', Math.floor(NOW / 1000) + 86_400);
    const mine = pseudonymOf('dev-e', day, key, deps.hmac);
    const minute = (epochMinute(NOW) - 100) as EpochMinute;
    const bucket = (kind: BucketDelta['kind'], pseudonyms: string[]): BucketDelta => ({
      kind,
      cell,
      sector: 4,
      minute,
      pseudonyms: new Set(pseudonyms),
      lastTsMs: NOW,
    });
    // The brake item holds two sectors; the device is in both, another camera in one.
    const otherSector: BucketDelta = { ...bucket('brake', [mine]), sector: 'x' };
    expect(
      await deps.buckets.write([bucket('brake', [mine, 'other']), otherSector, bucket('debris', [mine])]),
    ).toEqual([]);
    await deps.ingest.mark('batch-e', 1, NOW, mine);
    const counts: CellCounts = { passes: 1, exposureM: 100, brakes: 1, nearMisses: 0, speeds: { '12': 1 } };
    const contribution: Contribution = {
      partition: partitionOf(cell),
      epochHour: Math.floor(NOW / 3600_000),
      recordKey: 'batch-e#ev-1',
      pseudonym: mine,
      cells: { [cell]: counts },
    };
    expect(await deps.insights.putContributions([contribution], NOW)).toBe(1);

    await deps.deletions.create({ requestId: 'del-e', deviceId: 'dev-e', owner: 'o', nowMs: NOW });
    expect(await createDeletionWorker(deps, { pageSize: 2 })()).toBeGreaterThanOrEqual(1);
    expect(await deps.deletions.get('del-e')).toMatchObject({ status: 'done', deletedItems: 4 });
    const left = await deps.buckets.readPartitions([partitionOf(cell)], minute, minute, NOW);
    expect(left.map((e) => ({ kind: e.kind, sector: e.sector, pseudonyms: e.pseudonyms }))).toEqual([
      { kind: 'brake', sector: 4, pseudonyms: ['other'] },
    ]);
    const marker = await deps.clients.ddb.send(
      new GetCommand({ TableName: deps.names.ingestTable, Key: { pk: 'batch-e' }, ConsistentRead: true }),
    );
    expect(marker.Item).toBeUndefined();
    expect(await deps.insights.rawOfDay(partitionOf(cell), day)).toEqual([]);
  });
});

describe('InsightsStore on DynamoDB Local', () => {
  const partition = partitionOf(latLngToCell(40.4389, -80.0032, 10));
  const insightCell = latLngToCell(40.4389, -80.0032, 10);
  const epochHour = Math.floor(NOW / 3600_000) - 1;
  const day = utcDay(epochHour * 3600_000);
  const counts: CellCounts = { passes: 2, exposureM: 180, brakes: 1, nearMisses: 0, speeds: { '10': 2 } };

  it('overwrites raw contributions on replay, folds a day, and clears a work item only at its version', async () => {
    const contribution: Contribution = {
      partition,
      epochHour,
      recordKey: 'batch-i#ev-1',
      pseudonym: 'p-i',
      cells: { [insightCell]: counts },
    };
    // Other tests mark other partitions of the same day: look at this one only.
    const mark = async () =>
      (await deps.insights.dirtyPartitions(day)).find((d) => d.partition === partition);
    await deps.insights.putContributions([contribution], NOW);
    const first = await mark();
    await deps.insights.putContributions([contribution], NOW);
    expect(await deps.insights.rawOfDay(partition, day)).toEqual([
      { epochHour, pseudonym: 'p-i', cells: { [insightCell]: counts } },
    ]);
    const second = await mark();
    expect(first!.version).not.toBe(second!.version);
    expect(await deps.insights.clearDirty(day, first!)).toBe(false);

    await deps.insights.putDay(partition, day, {
      cells: { [insightCell]: { ...counts, cameras: 1 } },
      hours: new Map([[epochHour, { [insightCell]: { cameras: 1, speeds: { '10': 2 } } }]]),
    });
    expect(await deps.insights.clearDirty(day, second!)).toBe(true);
    expect(await mark()).toBeUndefined();
    expect(await deps.insights.days([partition], day, day)).toEqual([
      { [insightCell]: { ...counts, cameras: 1 } },
    ]);
    expect(
      await deps.insights.speedHours([partition], hourOfWeek(epochHour * 60), epochHour, epochHour),
    ).toEqual([{ epochHour, cells: { [insightCell]: { cameras: 1, speeds: { '10': 2 } } } }]);
    expect((await deps.insights.seenCells([partition, 'nowhere'])).get(partition)).toEqual(
      new Set([insightCell]),
    );
  });
});

describe('the retention sweep on DynamoDB Local', () => {
  it('deletes expired items with BatchWrite and leaves live ones', async () => {
    const table = deps.names.rateLimitsTable;
    await deps.clients.ddb.send(new PutCommand({ TableName: table, Item: { pk: 'expired', expiresAt: 1 } }));
    const def = TABLES.find((t) => t.id === 'RateLimits')!;
    expect(await sweepExpired(deps.clients.ddb, [{ def, name: table }], NOW)).toBe(1);
    const left = await deps.clients.ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    expect(left.Items?.some((i) => i.pk === 'expired')).toBe(false);
    expect(left.Items?.length).toBeGreaterThan(0);
  });
});
