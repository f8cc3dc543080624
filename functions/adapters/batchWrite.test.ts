import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../local/faultProxy.ts';
import { type EmulatedTables, startEmulatedTables } from '../../test/emulatedTables.ts';
import { batchWriteAll, UnprocessedWritesError } from './batchWrite.ts';

const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
let tables: EmulatedTables;

const docVia = (endpoint: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'local',
      endpoint,
      credentials: creds,
      requestHandler: new NodeHttpHandler(),
    }),
  );

beforeAll(async () => {
  tables = await startEmulatedTables('batchwrite');
});
afterAll(() => tables?.close());

const puts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk: `${prefix}${i}`, v: i } } }));

async function countWith(prefix: string): Promise<number> {
  const ddb = docVia(tables.emulators.endpoints.dynamodb);
  const res = await ddb.send(new ScanCommand({ TableName: tables.names.statsTable }));
  ddb.destroy();
  return (res.Items ?? []).filter((i) => String(i.pk).startsWith(prefix)).length;
}

describe('batchWriteAll', () => {
  it('lands every write when DynamoDB hands part of each batch back unprocessed', async () => {
    const proxy = await startFaultProxy({
      target: tables.emulators.endpoints.dynamodb,
      service: 'dynamodb',
      spec: { seed: 3, rules: [{ fault: 'throttle', match: 'BatchWriteItem', rate: 0.5 }] },
    });
    const ddb = docVia(proxy.url);
    await batchWriteAll(ddb, tables.names.statsTable, puts('bw#', 110), 4, () => 0);
    expect(proxy.counts().throttle).toBeGreaterThan(0);
    expect(await countWith('bw#')).toBe(110);
    ddb.destroy();
    await proxy.close();
  });

  it('gives up with a named error when writes stay unprocessed, leaving the retry to the caller', async () => {
    const proxy = await startFaultProxy({
      target: tables.emulators.endpoints.dynamodb,
      service: 'dynamodb',
      spec: { seed: 1, rules: [{ fault: 'throttle', match: 'BatchWriteItem', rate: 1 }] },
    });
    const ddb = docVia(proxy.url);
    await expect(
      batchWriteAll(ddb, tables.names.statsTable, puts('stuck#', 3), 1, () => 0),
    ).rejects.toBeInstanceOf(UnprocessedWritesError);
    ddb.destroy();
    await proxy.close();
  });
});
