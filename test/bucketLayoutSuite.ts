import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cellToChildren, gridDisk, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../functions/adapters/awsClients.ts';
import { BUCKET_AREA_RESOLUTION, BucketStore, partitionOf } from '../functions/adapters/bucketStore.ts';
import { DeviceDataSweeper } from '../functions/adapters/deviceDataSweeper.ts';
import type { BucketDelta } from '../lib/hazards/bucketing.ts';
import type { HeadingSector } from '../lib/hazards/headingSector.ts';
import type { BucketKind } from '../lib/hazards/signals.ts';
import { BUCKETS_TABLE } from '../lib/resources.ts';
import { type EpochMinute, epochMinute } from '../lib/time/epochMinute.ts';
import { createTableInput } from '../local/provision.ts';

/** DynamoDB's item size limit: 400 KB, attribute names included (Developer Guide, service quotas). */
const ITEM_LIMIT_BYTES = 400 * 1024;

/** An item's size as DynamoDB counts it: UTF-8 names plus values; a set is the sum of its elements. */
function itemBytes(item: Record<string, unknown>): number {
  const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
  let n = 0;
  for (const [name, value] of Object.entries(item)) {
    n += utf8(name);
    if (value instanceof Set) for (const v of value) n += utf8(String(v));
    else n += typeof value === 'number' ? 21 : utf8(String(value));
  }
  return n;
}

/** A 32-character pseudonym, as `pseudonymOf` makes them. */
const pseudonym = (i: number) => `p${String(i).padStart(31, '0')}`;

/**
 * The bucket layout (one item per kind, res-9 area and minute) on a DynamoDB implementation:
 * writes, reads, the item-size bound the store's comment states, and a device's deletion.
 * Shared by the dynalite run (`functions/adapters/bucketStore.test.ts`) and the DynamoDB Local
 * run (`test/conformance/bucketLayout.test.ts`): the two differ on set and expression edge cases.
 */
export function describeBucketLayout(
  emulator: string,
  start: () => Promise<{ endpoint: string; stop(): Promise<void> }>,
): void {
  describe(`bucket layout on ${emulator}`, () => {
    let stop: (() => Promise<void>) | undefined;
    let ddb: DynamoDBDocumentClient;
    let store: BucketStore;
    let sweeper: DeviceDataSweeper;
    let updates = 0;
    const table = 'bucket-layout-Buckets';

    beforeAll(async () => {
      const emu = await start();
      stop = () => emu.stop();
      ddb = createAwsClients({
        region: 'us-east-1',
        endpoints: { dynamodb: emu.endpoint, kinesis: 'http://127.0.0.1:9' },
      }).ddb;
      ddb.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'UpdateItemCommand') updates++;
          return next(args);
        },
        { step: 'initialize', name: 'layoutUpdateCounter' },
      );
      await ddb.send(new CreateTableCommand(createTableInput(BUCKETS_TABLE, table)));
      store = new BucketStore(ddb, table);
      sweeper = new DeviceDataSweeper(ddb, { Buckets: table, Ingest: 'unused', InsightsRaw: 'unused' });
    });

    afterAll(async () => {
      ddb?.destroy();
      await stop?.();
    });

    const NOW = Date.now();
    // Each test its own area, so none reads another's items.
    const areaAt = (i: number) => latLngToCell(40.45 + i * 0.05, -79.98, BUCKET_AREA_RESOLUTION);
    const delta = (
      kind: BucketKind,
      cell: string,
      sector: HeadingSector,
      minute: number,
      pseudonyms: string[],
    ): BucketDelta => ({
      kind,
      cell,
      sector,
      minute: minute as EpochMinute,
      pseudonyms: new Set(pseudonyms),
      lastTsMs: minute * 60_000,
    });
    const read = (cell: string, minute: number) =>
      store.readPartitions([partitionOf(cell)], minute as EpochMinute, minute as EpochMinute, NOW);
    const sorted = (entries: Awaited<ReturnType<typeof read>>) =>
      entries
        .map((e) => ({ ...e, pseudonyms: [...e.pseudonyms].sort() }))
        .sort((a, b) => `${a.kind}${a.cell}${a.sector}`.localeCompare(`${b.kind}${b.cell}${b.sector}`));
    const scanAll = async () =>
      ((await ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [])
        .map((i) => JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v)))
        .sort();

    it('writes every cell and sector of a kind in one area-minute with one UpdateItem, idempotently', async () => {
      const [a, b, c] = cellToChildren(areaAt(0), 10) as [string, string, string];
      const elsewhere = cellToChildren(gridDisk(areaAt(0), 1).find((x) => x !== areaAt(0))!, 10)[0]!;
      const minute = epochMinute(NOW) - 5;
      const deltas = [
        delta('pass', a, 2, minute, ['cam-1', 'cam-2']),
        delta('pass', a, 6, minute, ['cam-3']),
        delta('pass', b, 2, minute, ['cam-1']),
        delta('pass', c, 'x', minute, ['cam-4']),
        delta('brake', a, 2, minute, ['cam-2']),
        delta('pass', elsewhere, 2, minute, ['cam-1']),
      ];
      updates = 0;
      expect(await store.write(deltas)).toEqual([]);
      // pass@area, brake@area, pass@the neighbouring area.
      expect(updates).toBe(3);
      const before = await scanAll();
      // A replay, in another split, changes no item.
      expect(await store.write(deltas.slice(2))).toEqual([]);
      expect(await store.write(deltas.slice(0, 3))).toEqual([]);
      expect(await scanAll()).toEqual(before);
      const entries = await store.readPartitions(
        new Set([partitionOf(a), partitionOf(elsewhere)]),
        minute as EpochMinute,
        minute as EpochMinute,
        NOW,
      );
      expect(sorted(entries)).toEqual(
        sorted(
          deltas.map((d) => ({
            kind: d.kind,
            cell: d.cell,
            sector: d.sector,
            minute: d.minute,
            pseudonyms: [...d.pseudonyms],
          })),
        ),
      );
    });

    it('holds 800 cameras a minute in all seven cells of an area in both directions within 400 KB', async () => {
      // The pathological bound of the store's comment: every vehicle of a 20-lane interchange
      // carries a camera, and each enters every cell of the area in two directions.
      const cells = cellToChildren(areaAt(1), 10);
      const minute = epochMinute(NOW) - 3;
      for (let batch = 0; batch < 8; batch++) {
        const cams = Array.from({ length: 100 }, (_, i) => pseudonym(batch * 100 + i));
        const deltas = cells.flatMap((cell) => [
          delta('pass', cell, 1, minute, cams),
          delta('pass', cell, 5, minute, cams),
        ]);
        expect(await store.write(deltas)).toEqual([]);
      }
      const entries = await read(cells[0]!, minute);
      expect(entries).toHaveLength(cells.length * 2);
      for (const e of entries) expect(e.pseudonyms).toHaveLength(800);
      const items = (await ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
      const item = items.find((i) => String(i.sk).endsWith(`#pass#${areaAt(1)}`))!;
      expect(itemBytes(item)).toBeLessThan(ITEM_LIMIT_BYTES);
      expect(itemBytes(item)).toBeGreaterThan(0.9 * 800 * 15 * 32);
    });

    it("erases a device from every set of an area item, and the item once it holds no one else's evidence", async () => {
      const [a, b] = cellToChildren(areaAt(2), 10) as [string, string];
      const minute = epochMinute(NOW) - 7;
      const mine = pseudonym(1);
      expect(
        await store.write([
          delta('pass', a, 2, minute, [mine, 'other']),
          delta('pass', b, 2, minute, [mine]),
          delta('pass', b, 'x', minute, [mine]),
          delta('debris', a, 4, minute, [mine]),
        ]),
      ).toEqual([]);
      // A bucket of the earlier one-item-per-cell layout, living out its 48 h.
      await ddb.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `b#${partitionOf(b)}`,
            sk: `${String(minute).padStart(10, '0')}#brake#${b}`,
            cams: new Set([mine, 'older']),
            s3: new Set([mine, 'older']),
            sx: new Set([mine]),
            expiresAt: Math.floor(NOW / 1000) + 3600,
          },
        }),
      );
      const page = await sweeper.scanPage('Buckets', [mine], undefined, true);
      const keys = page.keys.filter((k) => String(k.sk).startsWith(String(minute).padStart(10, '0')));
      expect(keys).toHaveLength(3);
      await sweeper.erase('Buckets', keys, [mine]);
      expect(sorted(await read(a, minute))).toEqual([
        { kind: 'brake', cell: b, sector: 3, minute, pseudonyms: ['older'] },
        { kind: 'pass', cell: a, sector: 2, minute, pseudonyms: ['other'] },
      ]);
      const debris = await ddb.send(
        new GetCommand({
          TableName: table,
          Key: { pk: `b#${partitionOf(a)}`, sk: `${String(minute).padStart(10, '0')}#debris#${areaAt(2)}` },
          ConsistentRead: true,
        }),
      );
      expect(debris.Item).toBeUndefined();
      // Erasing again (a resumed job's pending page) changes nothing.
      const before = await scanAll();
      await sweeper.erase('Buckets', keys, [mine]);
      expect(await scanAll()).toEqual(before);
    });

    it('erases a pseudonym the aggregator adds to a new cell of the item while the deletion runs', async () => {
      const [a, b] = cellToChildren(areaAt(3), 10) as [string, string];
      const minute = epochMinute(NOW) - 9;
      const mine = pseudonym(2);
      expect(await store.write([delta('pass', a, 0, minute, [mine, 'other'])])).toEqual([]);
      const key = { pk: `b#${partitionOf(a)}`, sk: `${String(minute).padStart(10, '0')}#pass#${areaAt(3)}` };
      // The race: between the sweeper's read and its update, the same device passes cell b.
      let raced = false;
      ddb.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { UpdateExpression?: string };
          if (
            !raced &&
            context.commandName === 'UpdateItemCommand' &&
            input.UpdateExpression?.startsWith('DELETE')
          ) {
            raced = true;
            expect(await store.write([delta('pass', b, 0, minute, [mine])])).toEqual([]);
          }
          return next(args);
        },
        { step: 'initialize', name: 'layoutRace' },
      );
      try {
        await sweeper.erase('Buckets', [key], [mine]);
      } finally {
        ddb.middlewareStack.remove('layoutRace');
      }
      expect(raced).toBe(true);
      expect(sorted(await read(a, minute))).toEqual([
        { kind: 'pass', cell: a, sector: 0, minute, pseudonyms: ['other'] },
      ]);
    });
  });
}
