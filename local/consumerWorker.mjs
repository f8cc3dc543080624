// The local stack's Kinesis consumers on a thread of their own: the aggregator's decoding,
// windows and its many DynamoDB calls (each one signing, serialising and a loopback socket
// write) would otherwise run on the thread that answers the HTTP API, and every POST would wait
// behind a consumer batch. Plain JS that loads the TypeScript through tsx, as bin/dashnet.mjs.
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// On AWS the consumers run on compute of their own; on one machine the HTTP API comes first and
// the consumers take the CPU it leaves (their lag shows as iterator age, and they catch up in
// the gaps). Measured on 2 cores: ingest 5,200 → 6,100 events/s, p99 at 2,000 events/s offered
// halved. Linux gives each thread its own nice value, so only this thread is lowered; elsewhere
// setpriority would lower the whole process, so it is left alone.
if (workerData.lowPriority && process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + 10));
  } catch {
    // Not permitted (some containers): the consumers run at normal priority.
  }
}
const { runConsumerWorker } = await import('./consumerHost.ts');
await runConsumerWorker(parentPort, workerData);
