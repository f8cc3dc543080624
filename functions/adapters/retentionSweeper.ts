import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableDef } from '../../lib/resources.ts';
import { batchWriteAll } from './batchWrite.ts';

/**
 * Deletes items whose TTL attribute has passed. On AWS, DynamoDB TTL does this (within days);
 * the local emulator has no TTL, so the local stack runs this sweep on an interval. Readers
 * filter on the TTL attribute either way, so an expired item is never served.
 * Returns the number of items deleted.
 */
export async function sweepExpired(
  ddb: DynamoDBDocumentClient,
  tables: readonly { def: TableDef; name: string }[],
  nowMs: number,
): Promise<number> {
  let deleted = 0;
  const nowS = Math.floor(nowMs / 1000);
  for (const { def, name } of tables) {
    if (!def.ttlAttribute) continue;
    const keyNames = [def.partitionKey.name, ...(def.sortKey ? [def.sortKey.name] : [])];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await ddb.send(
        new ScanCommand({
          TableName: name,
          FilterExpression: '#t < :now',
          ExpressionAttributeNames: {
            '#t': def.ttlAttribute,
            ...Object.fromEntries(keyNames.map((k, i) => [`#k${i}`, k])),
          },
          ExpressionAttributeValues: { ':now': nowS },
          ProjectionExpression: keyNames.map((_, i) => `#k${i}`).join(', '),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const keys = res.Items ?? [];
      await batchWriteAll(
        ddb,
        name,
        keys.map((Key) => ({ DeleteRequest: { Key } })),
      );
      deleted += keys.length;
      start = res.LastEvaluatedKey;
    } while (start);
  }
  return deleted;
}
