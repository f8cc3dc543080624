import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsClients, createAwsClients } from '../functions/adapters/awsClients.ts';
import type { ResourceNames } from '../functions/runtime/deps.ts';
import { type Emulators, startEmulators } from '../local/emulators.ts';
import { provisionResources, resourceNames } from '../local/provision.ts';

/** The embedded emulators with every table and the stream of a stage, and the SDK clients over them. */
export interface EmulatedTables {
  emulators: Emulators;
  clients: AwsClients;
  names: ResourceNames;
  close(): Promise<void>;
}

/**
 * For adapter tests that need real tables but no stack: in-memory dynalite and kinesalite, the
 * stage's resources created as the local stack creates them, and the production clients.
 */
export async function startEmulatedTables(stage: string): Promise<EmulatedTables> {
  const emulators = await startEmulators(undefined);
  const clients = createAwsClients({ region: 'local', endpoints: emulators.endpoints });
  const names = resourceNames(stage);
  const raw = new DynamoDBClient({
    region: 'local',
    endpoint: emulators.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  await provisionResources(raw, clients.kinesis, names);
  raw.destroy();
  return {
    emulators,
    clients,
    names,
    close: async () => {
      clients.ddb.destroy();
      clients.kinesis.destroy();
      await emulators.close();
    },
  };
}
