// The local stack's Kinesis consumers on a thread of their own: the aggregator's decoding,
// windows and its many DynamoDB calls (each one signing, serialising and a loopback socket
// write) would otherwise run on the thread that answers the HTTP API, and every POST would wait
// behind a consumer batch. Plain JS that loads the TypeScript through tsx, as bin/dashnet.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runConsumerWorker } = await import('./consumerHost.ts');
await runConsumerWorker(parentPort, workerData);
