// Runs kinesalite and/or dynalite on a worker thread of the local stack's process, so the
// emulators get a core of their own while the handlers run on the main thread. Plain JS: the
// worker needs no TypeScript loader.
import { mkdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';

/** `kinesis`: also run kinesalite; `dynamoDir`: the data dir's folder for this dynalite; `lowPriority`: see emulators.ts. */
const { dataDir, kinesis: withKinesis = true, dynamoDir = 'dynamodb', lowPriority = false } = workerData;
if (lowPriority && process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + 10));
  } catch {
    // Not permitted: this emulator runs at normal priority.
  }
}
const kPath = dataDir && withKinesis ? join(dataDir, 'kinesis') : undefined;
const dPath = dataDir ? join(dataDir, dynamoDir) : undefined;
for (const p of [kPath, dPath]) if (p) mkdirSync(p, { recursive: true });
const k = withKinesis
  ? kinesalite({
      ...(kPath ? { path: kPath } : {}),
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
    })
  : undefined;
const d = dynalite({
  ...(dPath ? { path: dPath } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});

const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
const close = (server) =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });

const [kinesis, dynamodb] = await Promise.all([k ? listen(k) : undefined, listen(d)]);
parentPort.postMessage({ type: 'ready', kinesis, dynamodb });
parentPort.on('message', async (msg) => {
  if (msg?.type !== 'close') return;
  await Promise.all([k ? close(k) : undefined, close(d)]);
  parentPort.postMessage({ type: 'closed' });
});
