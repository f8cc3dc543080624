import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';

export interface Emulators {
  endpoints: { kinesis: string; dynamodb: string };
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * Kinesis (kinesalite) and DynamoDB (dynalite) in this process, persisted under `dataDir`
 * (LevelDB), or in memory when `dataDir` is undefined. Resources are created instantly. By
 * default they run on a worker thread: the same process, but their own core, which roughly
 * doubles what the local stack sustains on two cores.
 */
export async function startEmulators(
  dataDir: string | undefined,
  opts: { thread?: boolean } = {},
): Promise<Emulators> {
  if (opts.thread ?? true) return startEmulatorsOnWorker(dataDir);
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
  const [kinesis, dynamodb] = await Promise.all([listen(k), listen(d)]);
  return {
    endpoints: { kinesis, dynamodb },
    close: async () => {
      await Promise.all([close(k), close(d)]);
    },
  };
}

async function startEmulatorsOnWorker(dataDir: string | undefined): Promise<Emulators> {
  const worker = new Worker(new URL('./emulatorWorker.mjs', import.meta.url), { workerData: { dataDir } });
  const ready = await new Promise<{ kinesis: string; dynamodb: string }>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`emulator worker exited with ${code}`)));
    worker.once('message', (msg: { type: string; kinesis: string; dynamodb: string }) => {
      if (msg.type === 'ready') resolve(msg);
    });
  });
  worker.removeAllListeners('exit');
  return {
    endpoints: { kinesis: ready.kinesis, dynamodb: ready.dynamodb },
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (msg: { type: string }) => {
          if (msg.type === 'closed') resolve();
        });
      });
      worker.postMessage({ type: 'close' });
      await closed;
      await worker.terminate();
    },
  };
}
