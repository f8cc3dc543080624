import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
});
