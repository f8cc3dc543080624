import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedTables, startEmulatedTables } from '../../test/emulatedTables.ts';
import { type CountOnce, onceFactHash, onceItemKey, StatsStore } from './statsStore.ts';

describe('StatsStore.addOnce on dynalite', () => {
  let tables: EmulatedTables;
  const t0 = 1_800_000_000_000;
  let writes = 0;

  beforeAll(async () => {
    tables = await startEmulatedTables('statsonce');
    tables.clients.ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (/Update/.test(String(context.commandName))) writes++;
        return next(args);
      },
      { step: 'initialize', name: 'countWrites' },
    );
  });
  afterAll(() => tables?.close());

  it('counts each fact once however often it is written, and keeps the new facts of a mixed retry', async () => {
    const stats = new StatsStore(tables.clients.ddb, tables.names.statsTable);
    const batch = (i: number): CountOnce[] => [
      { id: `a#b${i}`, atMs: t0, deltas: { accepted: 20 }, group: `b${i}` },
      { id: `r#b${i}`, atMs: t0, deltas: { rejected: 1 }, group: `b${i}` },
    ];
    await stats.addOnce(batch(1));
    await Promise.all([stats.addOnce(batch(1)), stats.addOnce(batch(2))]);
    await stats.addOnce([...batch(2), ...batch(3)]);
    const totals = await stats.read();
    expect(totals.accepted).toBe(60);
    expect(totals.rejected).toBe(3);
  });

  it("writes one request's facts in one item, by the minute of the fact's own time", async () => {
    const stats = new StatsStore(tables.clients.ddb, tables.names.statsTable);
    const ops: CountOnce[] = [
      { id: 'a#k', atMs: t0 + 61_000, deltas: { accepted: 5 }, group: 'k' },
      { id: 'r#k', atMs: t0 + 61_000, deltas: { rejected: 2 }, group: 'k' },
      { id: 'd#k#req1', atMs: t0 + 61_000, deltas: { duplicates: 3 }, group: 'k' },
    ];
    writes = 0;
    await stats.addOnce(ops);
    expect(writes).toBe(1);
    const key = onceItemKey(ops[0]!);
    expect(key).toBe(`once#m${Math.floor((t0 + 61_000) / 60_000)}#${key.split('#')[2]}`);
    const item = (
      await tables.clients.ddb.send(new GetCommand({ TableName: tables.names.statsTable, Key: { pk: key } }))
    ).Item!;
    // The item holds 16-character hashes of the facts, never the ids themselves.
    expect([...(item.ops as Set<string>)].sort()).toEqual(ops.map((o) => onceFactHash(o.id)).sort());
    expect(item.accepted).toBe(5);
    expect(item.duplicates).toBe(3);
  });

  it('holds 20,000 facts in one minute-shard item under the 400 KB item limit (the stated bound is ~23k)', async () => {
    const stats = new StatsStore(tables.clients.ddb, tables.names.statsTable);
    const ops: CountOnce[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `p#record-${i}-of-a-busy-minute`,
      atMs: t0 + 3_600_000,
      deltas: { processed: 1 },
      group: 'one-shard',
    }));
    for (let i = 0; i < ops.length; i += 2_000) await stats.addOnce(ops.slice(i, i + 2_000));
    const key = onceItemKey(ops[0]!);
    const item = (
      await tables.clients.ddb.send(new GetCommand({ TableName: tables.names.statsTable, Key: { pk: key } }))
    ).Item!;
    expect((item.ops as Set<string>).size).toBe(20_000);
    expect(item.processed).toBe(20_000);
  }, 60_000);

  describe('compaction', () => {
    const now = 1_900_000_000_000;
    const old = now - 10 * 86_400_000;
    const oldHour = Math.floor(old / 3_600_000);
    const facts = (prefix: string, atMs: number, n: number): CountOnce[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `${prefix}${i}`,
        atMs: atMs + i * 7_000,
        deltas: { accepted: 20, processed: 20 },
      }));
    const onceItemsOfHour = async (stage: EmulatedTables, hour: number) =>
      (
        (await stage.clients.ddb.send(new ScanCommand({ TableName: stage.names.statsTable }))).Items ?? []
      ).filter(
        (i) =>
          /^once#m\d+#/.test(String(i.pk)) &&
          Math.floor(Number(String(i.pk).split('#')[1]!.slice(1)) / 60) === hour,
      );

    it('folds hours past the dedup horizon into totals and deletes their items, changing no count', async () => {
      const stage = await startEmulatedTables('statscompact');
      try {
        const stats = new StatsStore(stage.clients.ddb, stage.names.statsTable);
        await stats.addOnce([...facts('old-', old, 30), ...facts('new-', now - 60_000, 5)]);
        const before = await stats.read();
        expect(before.accepted).toBe(700);
        expect((await onceItemsOfHour(stage, oldHour)).length).toBeGreaterThan(0);
        const first = await stats.compact(now);
        expect(first.foldedHours).toBe(1);
        expect(first.deletedItems).toBeGreaterThan(0);
        expect(await onceItemsOfHour(stage, oldHour)).toEqual([]);
        expect(await stats.read()).toEqual(before);
        // Nothing left to fold; the recent hour is untouched.
        expect(await stats.compact(now)).toEqual({ foldedHours: 0, deletedItems: 0 });
        expect(await stats.read()).toEqual(before);
      } finally {
        await stage.close();
      }
    });

    it('finishes a compaction that stopped after the total, without counting an hour twice', async () => {
      const stage = await startEmulatedTables('statscrash');
      try {
        const stats = new StatsStore(stage.clients.ddb, stage.names.statsTable);
        await stats.addOnce(facts('old-', old, 12));
        const before = await stats.read();
        // The state a crash between the total's put and the deletions leaves behind.
        await stage.clients.ddb.send(
          new PutCommand({
            TableName: stage.names.statsTable,
            Item: { pk: `total#h${oldHour}`, accepted: before.accepted, processed: before.processed },
          }),
        );
        expect(await stats.read()).toEqual(before);
        expect(await stats.compact(now)).toEqual({
          foldedHours: 0,
          deletedItems: expect.any(Number),
        });
        expect(await onceItemsOfHour(stage, oldHour)).toEqual([]);
        expect(await stats.read()).toEqual(before);
      } finally {
        await stage.close();
      }
    });
  });
});
