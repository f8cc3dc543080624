/**
 * The local stack in a process of its own for `dashnet soak`: the soak samples the stack's
 * memory and handles, not the simulated fleet's (which shares nothing with it but HTTP).
 * Forked by `bin/commands/soak.ts` with an IPC channel:
 * - child → parent `{ type: 'ready', url, operatorToken }` once listening;
 * - parent → child `{ type: 'sample' }`, answered `{ type: 'sample', rssBytes, heapFloorBytes, handles }`
 *   (the heap floor is the lowest heap in use since the previous sample: after-GC level);
 * - parent → child `{ type: 'stop' }`: stops the stack cleanly and exits.
 */
import { startLocalStack } from '../../local/localStack.ts';

type Request = { type: 'sample' } | { type: 'stop' };

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('usage: forked by dashnet soak with a data directory');
  const stack = await startLocalStack({ dataDir });
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
      void stack.stop().then(() => process.exit(0));
    }
  });
  process.send({ type: 'ready', url: stack.url, operatorToken: stack.operatorToken });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak stack host: ${String(err)}\n`);
  process.exit(1);
});
