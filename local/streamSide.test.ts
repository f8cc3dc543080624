import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { startEmulators } from './emulators.ts';
import { startLocalStack } from './localStack.ts';
import { STREAM_SIDE_TABLES } from './streamSide.ts';

async function tablesAt(endpoint: string): Promise<string[]> {
  const ddb = new DynamoDBClient({
    region: 'local',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  try {
    return (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    ddb.destroy();
  }
}

describe('the stream-side tables on an emulator of their own', () => {
  it('serves the consumers’ tables from the second emulator and every other table from the first', async () => {
    const stack = await startLocalStack({});
    try {
      const { dynamodb, dynamodbStreamSide } = stack.emulators.endpoints;
      expect(dynamodbStreamSide).toBeDefined();
      const streamSide = STREAM_SIDE_TABLES.map((t) => stack.deps.names[t]).sort();
      expect((await tablesAt(dynamodbStreamSide!)).sort()).toEqual(streamSide);
      const main = await tablesAt(dynamodb);
      expect(main.length).toBeGreaterThan(0);
      expect(main.filter((t) => streamSide.includes(t))).toEqual([]);
    } finally {
      await stack.stop();
    }
  });

  it('keeps one emulator for a data directory from before the split, where those tables already live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashnet-legacy-'));
    try {
      mkdirSync(join(dir, 'dynamodb'));
      const legacy = await startEmulators(dir, { splitStreamSide: true });
      expect(legacy.endpoints.dynamodbStreamSide).toBeUndefined();
      await legacy.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
