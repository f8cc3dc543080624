import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cellToChildPos, getResolution } from 'h3-js';
import type { BaselineCounts } from '../../lib/hazards/baseline.ts';
import type { BaselineItem, BaselineRepository } from '../../lib/stream/applyRecords.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** Work items of the hourly rollup expire after three days: buckets are kept only two. */
const DIRTY_RETENTION_S = 3 * 24 * 3600;
/** BatchGetItem takes at most 100 keys (DynamoDB API reference, BatchGetItem). */
const BATCH_GET_MAX = 100;
/**
 * Cells per baseline UpdateItem: 7 cells × 9 sectors × 2 counters keep the expression near
 * 1.6 KB, well inside DynamoDB's 4 KB limit on an expression (API reference, expression limits).
 */
const CELLS_PER_UPDATE = 7;

export type { BaselineItem };

/**
 * Long-term baselines: per res-8 partition and hour of week, per cell and sector, the distinct
 * cameras that braked and passed, summed over past weeks. Anonymous counts, kept indefinitely.
 * Each hour is applied once (a conditional update on the set of applied hours), so the counts
 * are exactly-once however often the rollup runs.
 */
export class BaselineStore implements BaselineRepository {
  private readonly markedDirty = new Set<string>();

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Notes that a partition has buckets in an epoch hour, for the rollup to visit. Idempotent;
   * remembered per container so a busy partition costs one write an hour, not one a batch.
   */
  async markDirty(partitionHours: Iterable<{ partition: string; hour: number }>): Promise<number> {
    const todo = [...partitionHours].filter(
      ({ partition, hour }) => !this.markedDirty.has(`${hour}#${partition}`),
    );
    await mapLimit(todo, 16, async ({ partition, hour }) => {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `dirty#${hour}`, sk: partition, expiresAt: hour * 3600 + DIRTY_RETENTION_S },
        }),
      );
      this.markedDirty.add(`${hour}#${partition}`);
    });
    return todo.length;
  }

  /** Partitions with buckets in an epoch hour that the rollup has not applied yet. */
  async dirtyPartitions(hour: number): Promise<string[]> {
    const out: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `dirty#${hour}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of res.Items ?? []) out.push(String(item.sk));
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /**
   * Adds one hour's counts to a partition's baseline at that hour of week, once: false when the
   * hour was applied before (a re-run after a crash).
   *
   * DynamoDB caps an expression at 4 KB, which a busy partition's counts (up to 49 cells × 9
   * sectors) exceed in one UpdateItem; so the counts go in groups of at most 7 cells, a group
   * being a fixed function of the cell (its position under the partition), each applied once
   * under its own mark `<hour>/<group>`. A re-run after a crash between groups applies only the
   * groups still missing. The whole-hour mark of earlier versions still refuses every group.
   */
  async applyHour(
    partition: string,
    hourOfWeek: number,
    epochHour: number,
    counts: BaselineItem,
  ): Promise<boolean> {
    const groups = new Map<number, [string, BaselineCounts][]>();
    const parentRes = getResolution(partition);
    for (const [key, c] of counts) {
      const group = Math.floor(cellToChildPos(key.slice(0, key.indexOf('_')), parentRes) / CELLS_PER_UPDATE);
      const entries = groups.get(group) ?? [];
      entries.push([key, c]);
      groups.set(group, entries);
    }
    let applied = counts.size === 0;
    for (const [group, entries] of groups) {
      const mark = `${epochHour}/${group}`;
      const names: Record<string, string> = { '#applied': 'appliedHours' };
      const values: Record<string, unknown> = {
        ':h': new Set([mark]),
        ':hs': String(epochHour),
        ':hg': mark,
      };
      const adds: string[] = ['#applied :h'];
      for (const [i, [key, c]] of entries.entries()) {
        names[`#s${i}`] = `s_${key}`;
        names[`#n${i}`] = `n_${key}`;
        values[`:s${i}`] = c.signals;
        values[`:n${i}`] = c.passers;
        adds.push(`#s${i} :s${i}`, `#n${i} :n${i}`);
      }
      try {
        await this.ddb.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `base#${partition}`, sk: String(hourOfWeek) },
            UpdateExpression: `ADD ${adds.join(', ')}`,
            ConditionExpression:
              'attribute_not_exists(#applied) OR (NOT contains(#applied, :hs) AND NOT contains(#applied, :hg))',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        applied = true;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    await this.clearDirty(partition, epochHour);
    return applied;
  }

  private async clearDirty(partition: string, epochHour: number): Promise<void> {
    await this.ddb.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: `dirty#${epochHour}`, sk: partition } }),
    );
  }

  /** Baselines of partitions at one hour of week, in as few BatchGetItem calls as possible. */
  async read(partitions: Iterable<string>, hourOfWeek: number): Promise<Map<string, BaselineItem>> {
    const keys = [...new Set(partitions)].map((p) => ({ pk: `base#${p}`, sk: String(hourOfWeek) }));
    const out = new Map<string, BaselineItem>();
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.tableName]: { Keys: keys.slice(i, i + BATCH_GET_MAX) },
      };
      while (request && Object.keys(request).length > 0) {
        const res = await this.ddb.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of res.Responses?.[this.tableName] ?? []) {
          const counts: BaselineItem = new Map();
          for (const [attr, value] of Object.entries(item)) {
            if (!attr.startsWith('n_')) continue;
            const key = attr.slice(2);
            counts.set(key, { passers: Number(value), signals: Number(item[`s_${key}`] ?? 0) });
          }
          out.set(String(item.pk).slice('base#'.length), counts);
        }
        request = res.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }
}
