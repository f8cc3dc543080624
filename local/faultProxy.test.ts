import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from './emulators.ts';
import { FaultSpecError, parseFaultSpec, seededRandom, startFaultProxy } from './faultProxy.ts';

const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators(undefined);
  const ddb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulators.endpoints.dynamodb,
    credentials: creds,
  });
  await ddb.send(
    new CreateTableCommand({
      TableName: 'Tbl',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  ddb.destroy();
  const kinesis = new KinesisClient({
    region: 'us-east-1',
    endpoint: emulators.endpoints.kinesis,
    credentials: creds,
    requestHandler: new NodeHttpHandler(),
  });
  await kinesis.send(new CreateStreamCommand({ StreamName: 'Str', ShardCount: 1 }));
  await new Promise((r) => setTimeout(r, 200));
  kinesis.destroy();
});
afterAll(() => emulators.close());

/** A client through the proxy that does not retry: each call shows the injected fault itself. */
function ddbVia(url: string) {
  return new DynamoDBClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: creds,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

async function itemExists(pk: string): Promise<boolean> {
  const direct = ddbVia(emulators.endpoints.dynamodb);
  const res = await direct.send(
    new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  direct.destroy();
  return res.Item !== undefined;
}

describe('parseFaultSpec', () => {
  it('reads rules, matches, params and the seed', () => {
    expect(parseFaultSpec('throttle=0.05;lost@PutItem Ingest=0.02,latency=0.1:200;seed=7')).toEqual({
      seed: 7,
      rules: [
        { fault: 'throttle', rate: 0.05 },
        { fault: 'lost', match: 'PutItem Ingest', rate: 0.02 },
        { fault: 'latency', rate: 0.1, param: 200 },
      ],
    });
  });
  it('refuses unknown faults and rates outside [0, 1]', () => {
    expect(() => parseFaultSpec('explode=0.1')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('throttle=2')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('throttle')).toThrow(FaultSpecError);
  });
  it('draws the same sequence for the same seed', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(new Set(xs).size).toBe(5);
  });
});

describe('fault proxy in front of dynalite and kinesalite', () => {
  it('answers throttling and 500s in the shapes the SDK parses into named errors', async () => {
    for (const [fault, name, status] of [
      ['throttle', 'ProvisionedThroughputExceededException', 400],
      ['error500', 'InternalServerError', 500],
    ] as const) {
      const proxy = await startFaultProxy({
        target: emulators.endpoints.dynamodb,
        service: 'dynamodb',
        spec: { seed: 1, rules: [{ fault, match: 'GetItem', rate: 1 }] },
      });
      const ddb = ddbVia(proxy.url);
      const err = await ddb
        .send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'x' } } }))
        .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
      expect((err as Error).name).toBe(name);
      expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(status);
      // Other operations pass untouched.
      await ddb.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: `ok-${fault}` } } }));
      expect(proxy.counts()[fault]).toBe(1);
      ddb.destroy();
      await proxy.close();
    }
  });

  it('a lost response: the write happened, the caller saw a cut connection', async () => {
    const proxy = await startFaultProxy({
      target: emulators.endpoints.dynamodb,
      service: 'dynamodb',
      spec: { seed: 1, rules: [{ fault: 'lost', match: 'PutItem', rate: 1 }] },
    });
    const ddb = ddbVia(proxy.url);
    await expect(
      ddb.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'lost' } } })),
    ).rejects.toThrow();
    expect(await itemExists('lost')).toBe(true);
    ddb.destroy();
    await proxy.close();
  });

  it('a reset: the connection is cut and nothing is written', async () => {
    const proxy = await startFaultProxy({
      target: emulators.endpoints.dynamodb,
      service: 'dynamodb',
      spec: { seed: 1, rules: [{ fault: 'reset', rate: 1 }] },
    });
    const ddb = ddbVia(proxy.url);
    await expect(
      ddb.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'reset' } } })),
    ).rejects.toThrow();
    expect(await itemExists('reset')).toBe(false);
    ddb.destroy();
    await proxy.close();
  });

  it('kill-after applies the call, then kills (a spy here) before answering', async () => {
    let killed = 0;
    const proxy = await startFaultProxy({
      target: emulators.endpoints.dynamodb,
      service: 'dynamodb',
      spec: { seed: 1, rules: [{ fault: 'kill-after', match: 'PutItem Tbl', rate: 1 }] },
      kill: () => {
        killed++;
      },
    });
    const ddb = ddbVia(proxy.url);
    const pending = ddb.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'killed' } } }));
    await expect.poll(() => killed).toBe(1);
    expect(await itemExists('killed')).toBe(true);
    ddb.destroy();
    await pending.catch(() => {});
    await proxy.close();
  });

  it('adds latency and throttles PutRecords per record, writing the others', async () => {
    const proxy = await startFaultProxy({
      target: emulators.endpoints.kinesis,
      service: 'kinesis',
      spec: {
        seed: 5,
        rules: [
          { fault: 'latency', rate: 1, param: 150 },
          { fault: 'throttle', match: 'PutRecords', rate: 1 },
        ],
      },
    });
    const kinesis = new KinesisClient({
      region: 'us-east-1',
      endpoint: proxy.url,
      credentials: creds,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    const t0 = Date.now();
    const records = Array.from({ length: 20 }, (_, i) => ({ PartitionKey: 'p', Data: Buffer.from(`r${i}`) }));
    const res = await kinesis.send(new PutRecordsCommand({ StreamName: 'Str', Records: records }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.FailedRecordCount).toBeGreaterThan(0);
    expect(res.FailedRecordCount).toBeLessThan(20);
    expect(res.Records?.filter((r) => r.ErrorCode === 'ProvisionedThroughputExceededException')).toHaveLength(
      res.FailedRecordCount!,
    );
    const direct = new KinesisClient({
      region: 'us-east-1',
      endpoint: emulators.endpoints.kinesis,
      credentials: creds,
      requestHandler: new NodeHttpHandler(),
    });
    const it = await direct.send(
      new GetShardIteratorCommand({
        StreamName: 'Str',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const got = await direct.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
    expect(got.Records).toHaveLength(20 - res.FailedRecordCount!);
    // Every written record carries the sequence number the merged answer reports for it.
    const written = res.Records!.filter((r) => !r.ErrorCode).map((r) => r.SequenceNumber);
    expect(got.Records!.map((r) => r.SequenceNumber)).toEqual(written);
    kinesis.destroy();
    direct.destroy();
    await proxy.close();
  });
});
