// Runs kinesalite and dynalite on a worker thread of the local stack's process, so the
// emulators get the second core while the handlers run on the main thread. Plain JS: the
// worker needs no TypeScript loader.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';

const { dataDir } = workerData;
const kPath = dataDir ? join(dataDir, 'kinesis') : undefined;
const dPath = dataDir ? join(dataDir, 'dynamodb') : undefined;
for (const p of [kPath, dPath]) if (p) mkdirSync(p, { recursive: true });
const k = kinesalite({
  ...(kPath ? { path: kPath } : {}),
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
});
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

const [kinesis, dynamodb] = await Promise.all([listen(k), listen(d)]);
parentPort.postMessage({ type: 'ready', kinesis, dynamodb });
parentPort.on('message', async (msg) => {
  if (msg?.type !== 'close') return;
  await Promise.all([close(k), close(d)]);
  parentPort.postMessage({ type: 'closed' });
});
