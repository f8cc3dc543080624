/**
 * A process of its own for `dashnet soak`, in one of two roles, so that what is sampled is
 * dashnet's code alone: the simulated fleet runs in the soak's process, and the Kinesis and
 * DynamoDB emulators (managed services on AWS, not dashnet's code) in a process of their own.
 * - `emulators <dataDir>`: the emulators, persisted under the data directory;
 * - `stack <dataDir> <endpointsJson>`: the local stack (handlers, stream consumers, background
 *   jobs, HTTP API) on those emulators.
 * Forked by `bin/commands/soak.ts` with an IPC channel:
 * - child → parent `{ type: 'ready', url?, operatorToken?, endpoints? }` once serving;
 * - parent → child `{ type: 'sample' }`, answered `{ type: 'sample', rssBytes, heapFloorBytes, handles }`
 *   (the heap floor is the lowest heap in use since the previous sample: the after-GC level);
 * - parent → child `{ type: 'stop' }`: stops cleanly and exits.
 */
import { startEmulators } from '../../local/emulators.ts';
import { startLocalStack } from '../../local/localStack.ts';

type Request = { type: 'sample' } | { type: 'stop' };

async function main(): Promise<void> {
  const [role, dataDir, endpointsJson] = process.argv.slice(2);
  if (!dataDir || !process.send || (role !== 'emulators' && role !== 'stack'))
    throw new Error('usage: forked by dashnet soak: emulators|stack <dataDir> [endpointsJson]');
  let stop: () => Promise<void>;
  if (role === 'emulators') {
    const emulators = await startEmulators(dataDir);
    stop = () => emulators.close();
    process.send({ type: 'ready', endpoints: emulators.endpoints });
  } else {
    const endpoints = JSON.parse(endpointsJson ?? '') as { kinesis: string; dynamodb: string };
    const stack = await startLocalStack({ dataDir, endpoints });
    stop = () => stack.stop();
    process.send({ type: 'ready', url: stack.url, operatorToken: stack.operatorToken });
  }
  let heapFloor = Number.POSITIVE_INFINITY;
  const probe = setInterval(() => {
    heapFloor = Math.min(heapFloor, process.memoryUsage().heapUsed);
  }, 1000);
  process.on('message', (msg: Request) => {
    if (msg.type === 'sample') {
      const mem = process.memoryUsage();
      heapFloor = Math.min(heapFloor, mem.heapUsed);
      process.send?.({
        type: 'sample',
        rssBytes: mem.rss,
        heapFloorBytes: heapFloor,
        handles: process.getActiveResourcesInfo().length,
      });
      heapFloor = Number.POSITIVE_INFINITY;
    } else if (msg.type === 'stop') {
      clearInterval(probe);
      void stop().then(() => process.exit(0));
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak host: ${String(err)}\n`);
  process.exit(1);
});
