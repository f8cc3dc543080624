import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SECTOR_ATTRS } from './bucketStore.ts';
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
        ProjectionExpression:
          phase === 'Ingest'
            ? 'pk'
            : phase === 'Buckets' && withSets
              ? ['pk', 'sk', 'cams', ...SECTOR_ATTRS].join(', ')
              : 'pk, sk',
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
   * a bucket loses the pseudonyms from its union and every sector set (`DELETE`; removing from
   * a set the item lacks changes nothing), and goes entirely once the union is empty; markers
   * and counters are deleted outright.
   */
  async erase(phase: DeletionPhase, keys: readonly Key[], pseudonyms: readonly string[]): Promise<void> {
    for (const key of keys) {
      if (phase !== 'Buckets') {
        await this.ddb.send(new DeleteCommand({ TableName: this.tables[phase], Key: key }));
        continue;
      }
      const res = await this.ddb
        .send(
          new UpdateCommand({
            TableName: this.tables.Buckets,
            Key: key,
            UpdateExpression: `DELETE ${['cams', ...SECTOR_ATTRS].map((a) => `${a} :p`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':p': new Set(pseudonyms) },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .catch((err: unknown) => {
          if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
          throw err;
        });
      if (res && res.Attributes?.cams === undefined) {
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
}
