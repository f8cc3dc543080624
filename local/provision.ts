import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { ResourceNames } from '../functions/runtime/deps.ts';
import { physicalName, TABLES, type TableDef, TELEMETRY_STREAM } from '../lib/resources.ts';

/** Physical names for a stage, from the one set of definitions. */
export function resourceNames(stage: string): ResourceNames {
  const t = (id: string) => physicalName(stage, id);
  return {
    identityTable: t('Identity'),
    ingestTable: t('Ingest'),
    bucketsTable: t('Buckets'),
    hazardsTable: t('Hazards'),
    statsTable: t('Stats'),
    baselinesTable: t('Baselines'),
    auditTable: t('Audit'),
    rateLimitsTable: t('RateLimits'),
    insightsRawTable: t('InsightsRaw'),
    insightsTable: t('Insights'),
    artefactsTable: t('Artefacts'),
    artefactHealthTable: t('ArtefactHealth'),
    telemetryStream: t(TELEMETRY_STREAM.id),
  };
}

/** CreateTable input of a table definition (on-demand billing, as in the CDK stack). */
export function createTableInput(def: TableDef, name: string): CreateTableCommandInput {
  const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  const indexKeys = (def.globalIndexes ?? []).flatMap((g) => [
    g.partitionKey,
    ...(g.sortKey ? [g.sortKey] : []),
  ]);
  const attrs = new Map([...keys, ...indexKeys].map((k) => [k.name, k.type]));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(def.globalIndexes?.length
      ? {
          GlobalSecondaryIndexes: def.globalIndexes.map((g) => ({
            IndexName: g.name,
            KeySchema: [
              { AttributeName: g.partitionKey.name, KeyType: 'HASH' as const },
              ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

export const TABLE_NAME_OF: Record<string, keyof ResourceNames> = {
  Identity: 'identityTable',
  Ingest: 'ingestTable',
  Buckets: 'bucketsTable',
  Hazards: 'hazardsTable',
  Stats: 'statsTable',
  Baselines: 'baselinesTable',
  Audit: 'auditTable',
  RateLimits: 'rateLimitsTable',
  InsightsRaw: 'insightsRawTable',
  Insights: 'insightsTable',
  Artefacts: 'artefactsTable',
  ArtefactHealth: 'artefactHealthTable',
};

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not become active`);
}

/** Creates the stream and every table unless they exist (data persists across runs). */
export async function provisionResources(ddb: DynamoDBClient, kinesis: KinesisClient, names: ResourceNames) {
  for (const def of TABLES) {
    const name = names[TABLE_NAME_OF[def.id]!];
    try {
      await ddb.send(new DescribeTableCommand({ TableName: name }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      await ddb.send(new CreateTableCommand(createTableInput(def, name)));
    }
    await waitFor(async () => {
      const t = await ddb.send(new DescribeTableCommand({ TableName: name }));
      return t.Table?.TableStatus === 'ACTIVE';
    }, name);
  }
  try {
    await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.telemetryStream }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    await kinesis.send(
      new CreateStreamCommand({ StreamName: names.telemetryStream, ShardCount: TELEMETRY_STREAM.shards }),
    );
  }
  await waitFor(async () => {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.telemetryStream }));
    return s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }, names.telemetryStream);
}
