import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { evidenceAttrsOf } from './bucketStore.ts';
import type { DeletionPhase } from './deletionStore.ts';

type Key = Record<string, string | number>;

/** One page of a deletion scan: the keys of items derived from the pseudonyms, and where to go on. */
export interface SweepPage {
  keys: Key[];
  /** With `withSets`, the bucket items themselves (key, `cams` and the per-sector sets). */
  items?: Record<string, unknown>[];
  next?: string;
}

/**
 * Finds and erases the items derived from a set of pseudonyms, table by table. Finding uses a
 * filtered Scan: the tables hold pseudonyms in sets (Buckets) or as plain attributes, and a
 * deletion is rare, so a scan of the 48 h bucket table and the 7-day ingest markers (read
 * capacity ∝ table size, ~1 RCU per 4 KB scanned, paid per request) is cheaper than a second
 * index that every ingest write would pay for. Paged, so a job is resumable page by page.
 */
export class DeviceDataSweeper {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tables: Record<DeletionPhase, string>,
    private readonly pageSize = 500,
  ) {}

  /**
   * One page of items derived from the pseudonyms. `withSets` (Buckets) also returns each
   * item's pseudonym sets, for a legal export that must say which sector held the device.
   */
  async scanPage(
    phase: DeletionPhase,
    pseudonyms: readonly string[],
    cursor?: string,
    withSets = false,
  ): Promise<SweepPage> {
    const values: Record<string, string> = {};
    pseudonyms.forEach((p, i) => {
      values[`:p${i}`] = p;
    });
    const refs = Object.keys(values);
    const filter =
      phase === 'Buckets'
        ? refs.map((r) => `contains(cams, ${r})`).join(' OR ')
        : `p IN (${refs.join(', ')})`;
    const res = await this.ddb.send(
      new ScanCommand({
        TableName: this.tables[phase],
        Limit: this.pageSize,
        FilterExpression: filter,
        ExpressionAttributeValues: values,
        // Tables with a sort key need it in the key; Ingest has none. (InsightsRaw: the raw
        // contributions carry the pseudonym in `p`, like Ingest markers.)
        // A bucket item's sets are named after its cells (`<cell>:<sector>`), so an export that
        // needs them reads whole items.
        ...(phase === 'Buckets' && withSets
          ? {}
          : { ProjectionExpression: phase === 'Ingest' ? 'pk' : 'pk, sk' }),
        ...(cursor ? { ExclusiveStartKey: JSON.parse(cursor) as Key } : {}),
      }),
    );
    const items = res.Items ?? [];
    return {
      keys: items.map((i) => (phase === 'Ingest' ? { pk: i.pk } : { pk: i.pk, sk: i.sk }) as Key),
      ...(withSets ? { items } : {}),
      ...(res.LastEvaluatedKey ? { next: JSON.stringify(res.LastEvaluatedKey) } : {}),
    };
  }

  /**
   * Erases the given items. Idempotent, so a page interrupted by a crash is simply erased again:
   * a bucket loses the pseudonyms from every set that holds them and from the union `cams`, in
   * one UpdateItem, and goes entirely once the union is empty; markers and counters are deleted
   * outright.
   */
  async erase(phase: DeletionPhase, keys: readonly Key[], pseudonyms: readonly string[]): Promise<void> {
    for (const key of keys) {
      if (phase === 'Buckets') await this.eraseFromBucket(key, pseudonyms);
      else await this.ddb.send(new DeleteCommand({ TableName: this.tables[phase], Key: key }));
    }
  }

  /**
   * Removes the pseudonyms from one bucket item. Its sets are named after its cells, so the item
   * is read first to learn which sets hold them; the aggregator may add one of the pseudonyms
   * to a new set between the read and the update (a device still driving while its deletion
   * runs), so the update returns the item and the loop repeats until none holds them. The sets
   * and `cams` go in one UpdateItem (at most 64 sets, see BucketStore), so a crash never leaves
   * a set holding a pseudonym that `cams`, which the deletion scan searches, no longer lists.
   */
  private async eraseFromBucket(key: Key, pseudonyms: readonly string[]): Promise<void> {
    const mine = new Set(pseudonyms);
    const holding = (item: Record<string, unknown>) =>
      ['cams', ...evidenceAttrsOf(item).map((a) => a.attr)].filter((attr) => {
        const set = item[attr];
        return set instanceof Set && [...mine].some((p) => set.has(p));
      });
    const read = await this.ddb.send(
      new GetCommand({ TableName: this.tables.Buckets, Key: key, ConsistentRead: true }),
    );
    let attrs = read.Item ? holding(read.Item) : [];
    let cams: unknown = read.Item?.cams;
    for (let round = 0; attrs.length > 0; round++) {
      if (round >= MAX_ERASE_ROUNDS)
        throw new SweepError('BUCKET_ERASE_RACE', `bucket ${JSON.stringify(key)}`);
      const names: Record<string, string> = {};
      attrs.forEach((attr, i) => {
        names[`#a${i}`] = attr;
      });
      const res = await this.ddb
        .send(
          new UpdateCommand({
            TableName: this.tables.Buckets,
            Key: key,
            UpdateExpression: `DELETE ${attrs.map((_, i) => `#a${i} :p`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':p': mine },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .catch((err: unknown) => {
          if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
          throw err;
        });
      if (!res?.Attributes) return;
      attrs = holding(res.Attributes);
      cams = res.Attributes.cams;
    }
    if (read.Item && cams === undefined) {
      await this.ddb
        .send(
          new DeleteCommand({
            TableName: this.tables.Buckets,
            Key: key,
            ConditionExpression: 'attribute_not_exists(cams)',
          }),
        )
        .catch((err: unknown) => {
          // The aggregator added a camera meanwhile: the bucket is someone else's evidence now.
          if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        });
    }
  }
}

/** Rounds of read-and-erase of one bucket item before a deletion gives up on it for this run. */
const MAX_ERASE_ROUNDS = 5;

/** A deletion sweep could not finish an item; `code` says why. The job retries on its next run. */
export class SweepError extends Error {
  override readonly name = 'SweepError';
  constructor(
    readonly code: 'BUCKET_ERASE_RACE',
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
