import { describeBucketLayout } from '../bucketLayoutSuite.ts';
import { startDynamoDbLocal } from './awsEmulators.ts';

describeBucketLayout('DynamoDB Local', async () => {
  const emulator = await startDynamoDbLocal();
  return { endpoint: emulator.endpoint, stop: () => emulator.stop() };
});
