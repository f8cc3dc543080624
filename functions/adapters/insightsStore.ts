import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { hourOfWeek } from '../../lib/hazards/baseline.ts';
import type { CellCounts, Contribution } from '../../lib/insights/contributions.ts';
import type { DayCell, DayRollup, RawContribution } from '../../lib/insights/dayRollup.ts';
import type { SpeedHourItem } from '../../lib/insights/speedCheck.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import { DAY_MS, HOUR_MS } from '../../lib/time/durations.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';
import { batchWriteAll, type WriteRequest } from './batchWrite.ts';
import { queryAll } from './queryAll.ts';

/**
 * Raw contributions live until two days after the end of their UTC day: long enough for the
 * daily rollup to recompute a day that late records reopen, short enough that pseudonymous
 * per-record data never outlives three days.
 */
export const RAW_RETENTION_AFTER_DAY_MS = 2 * DAY_MS;
/** BatchGetItem takes at most 100 keys (DynamoDB API reference, BatchGetItem). */
const BATCH_GET_MAX = 100;
/** Concurrent requests per call: enough to hide latency, far below a table's partition limits. */
const CONCURRENCY = 16;

const hourKey = (epochHour: number) => String(epochHour).padStart(8, '0');
const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** When a day's raw contributions expire (epoch seconds). */
export function rawExpiresAtS(day: string): number {
  return Math.floor((dayStartMs(day) + DAY_MS + RAW_RETENTION_AFTER_DAY_MS) / 1000);
}

/** A partition whose day needs rolling up, with the version of its work item. */
export interface DirtyPartition {
  partition: string;
  version: string;
}

/**
 * The insights tables. Raw: one item per stream record per partition-hour, written with a
 * plain PutItem whose key derives from the record, so a replay — of any batch, any number of
 * times, in any split — overwrites the item with the same content and no count changes. The
 * daily rollup folds a day's raw items into anonymous day and hour items, again by overwriting
 * (recomputed from the complete raw set, never added to), so reruns and late records are safe
 * without transactions or apply-once bookkeeping.
 */
export class InsightsStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly rawTable: string,
    private readonly table: string,
  ) {}

  /**
   * Writes contributions and marks their partition-days for the rollup. Contributions whose
   * day's raw retention has already passed (records more than ~2 days late) are skipped: the
   * rollup could no longer recompute that day completely. Returns how many were written.
   */
  async putContributions(contributions: readonly Contribution[], nowMs: number): Promise<number> {
    const nowS = Math.floor(nowMs / 1000);
    const live = contributions.filter((c) => rawExpiresAtS(utcDay(c.epochHour * HOUR_MS)) > nowS);
    // Plain puts (a replay writes the same item again), so they go 25 to a BatchWriteItem.
    const raws = new Map<string, WriteRequest>();
    for (const c of live) {
      const day = utcDay(c.epochHour * HOUR_MS);
      const Item = {
        pk: `raw#${c.partition}`,
        sk: `${hourKey(c.epochHour)}#${c.recordKey}`,
        p: c.pseudonym,
        cells: c.cells,
        expiresAt: rawExpiresAtS(day),
      };
      raws.set(`${Item.pk}|${Item.sk}`, { PutRequest: { Item } });
    }
    await batchWriteAll(this.ddb, this.rawTable, [...raws.values()]);
    // Marked after the raw items are written, with a fresh version each time: a rollup that
    // read the day before these items landed cannot clear the mark (see `clearDirty`).
    const dirty = new Map<string, WriteRequest>();
    const version = randomUUID();
    for (const c of live) {
      const day = utcDay(c.epochHour * HOUR_MS);
      dirty.set(`${day}#${c.partition}`, {
        PutRequest: {
          Item: { pk: `dirty#${day}`, sk: c.partition, v: version, expiresAt: rawExpiresAtS(day) },
        },
      });
    }
    await batchWriteAll(this.ddb, this.rawTable, [...dirty.values()]);
    return live.length;
  }

  /** Partitions with raw contributions on a UTC day that the rollup has not folded since. */
  async dirtyPartitions(day: string): Promise<DirtyPartition[]> {
    const items = await this.queryAll(this.rawTable, 'pk = :pk', { ':pk': `dirty#${day}` });
    return items.map((i) => ({ partition: String(i.sk), version: String(i.v) }));
  }

  /** Every raw contribution of a partition on a UTC day. */
  async rawOfDay(partition: string, day: string): Promise<RawContribution[]> {
    const h0 = Math.floor(dayStartMs(day) / HOUR_MS);
    const items = await this.queryAll(this.rawTable, 'pk = :pk AND sk BETWEEN :a AND :b', {
      ':pk': `raw#${partition}`,
      ':a': `${hourKey(h0)}#`,
      ':b': `${hourKey(h0 + 23)}#~`,
    });
    return items.map((i) => ({
      epochHour: Number(String(i.sk).slice(0, 8)),
      pseudonym: String(i.p),
      cells: i.cells as Record<string, CellCounts>,
    }));
  }

  /**
   * Stores a partition-day's anonymous aggregates, overwriting any earlier fold of the same day:
   * the day item, one speed item per hour, and the cells added to the partition's seen set.
   */
  async putDay(partition: string, day: string, rollup: DayRollup): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `day#${partition}`, sk: day, cells: rollup.cells },
      }),
    );
    await mapLimit([...rollup.hours], CONCURRENCY, async ([epochHour, cells]) => {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `speed#${partition}#${hourOfWeek(epochHour * 60)}`, sk: hourKey(epochHour), cells },
        }),
      );
    });
    const cells = Object.keys(rollup.cells);
    if (cells.length > 0) {
      // A set-add: idempotent, however often the day is folded again.
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `seen#${partition}`, sk: 'cells' },
          UpdateExpression: 'ADD cells :c',
          ExpressionAttributeValues: { ':c': new Set(cells) },
        }),
      );
    }
  }

  /**
   * Removes a work item if nothing re-marked it since it was read (same version); false when
   * new contributions arrived meanwhile, so the next run folds the day again.
   */
  async clearDirty(day: string, dirty: DirtyPartition): Promise<boolean> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.rawTable,
          Key: { pk: `dirty#${day}`, sk: dirty.partition },
          ConditionExpression: 'v = :v',
          ExpressionAttributeValues: { ':v': dirty.version },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** The cells ever observed in each partition (partitions never observed are absent). */
  async seenCells(partitions: Iterable<string>): Promise<Map<string, Set<string>>> {
    const keys = [...new Set(partitions)].map((p) => ({ pk: `seen#${p}`, sk: 'cells' }));
    const out = new Map<string, Set<string>>();
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.table]: { Keys: keys.slice(i, i + BATCH_GET_MAX) },
      };
      while (request && Object.keys(request).length > 0) {
        const res = await this.ddb.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of res.Responses?.[this.table] ?? []) {
          out.set(String(item.pk).slice('seen#'.length), new Set(item.cells as Set<string>));
        }
        request = res.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }

  /** Day aggregates of partitions over an inclusive range of UTC days. */
  async days(
    partitions: Iterable<string>,
    fromDay: string,
    toDay: string,
  ): Promise<Record<string, DayCell>[]> {
    const pages = await mapLimit([...new Set(partitions)], CONCURRENCY, (p) =>
      this.queryAll(this.table, 'pk = :pk AND sk BETWEEN :a AND :b', {
        ':pk': `day#${p}`,
        ':a': fromDay,
        ':b': toDay,
      }),
    );
    return pages.flat().map((i) => i.cells as Record<string, DayCell>);
  }

  /** Speed items of partitions at one hour of week, over an inclusive range of epoch hours. */
  async speedHours(
    partitions: Iterable<string>,
    hourOfWeek: number,
    fromHour: number,
    toHour: number,
  ): Promise<SpeedHourItem[]> {
    const pages = await mapLimit([...new Set(partitions)], CONCURRENCY, (p) =>
      this.queryAll(this.table, 'pk = :pk AND sk BETWEEN :a AND :b', {
        ':pk': `speed#${p}#${hourOfWeek}`,
        ':a': hourKey(fromHour),
        ':b': hourKey(toHour),
      }),
    );
    return pages.flat().map((i) => ({
      epochHour: Number(i.sk),
      cells: i.cells as SpeedHourItem['cells'],
    }));
  }

  /**
   * Every speed item of partitions over an inclusive range of epoch hours (exports): one Query
   * per partition and hour of week the range touches (at most 168 per partition).
   */
  async speedHoursInRange(
    partitions: Iterable<string>,
    fromHour: number,
    toHour: number,
  ): Promise<SpeedHourItem[]> {
    const hows = new Set<number>();
    for (let h = fromHour; h <= toHour && hows.size < 168; h++) hows.add(hourOfWeek(h * 60));
    const ps = [...new Set(partitions)];
    const pages = await mapLimit([...hows], 4, (how) => this.speedHours(ps, how, fromHour, toHour));
    return pages.flat();
  }

  private queryAll(table: string, condition: string, values: Record<string, unknown>) {
    return queryAll(this.ddb, {
      TableName: table,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
    });
  }
}
