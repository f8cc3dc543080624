import { Worker } from 'node:worker_threads';

export interface Emulators {
  endpoints: { kinesis: string; dynamodb: string };
  close(): Promise<void>;
}

/**
 * Kinesis (kinesalite) and DynamoDB (dynalite) in this process, persisted under `dataDir`
 * (LevelDB), or in memory when `dataDir` is undefined; resources are created instantly. They
 * run on a worker thread (`emulatorWorker.mjs`): the same process, but their own core, so the
 * handlers on the main thread do not wait behind the emulators' work.
 */
export async function startEmulators(dataDir: string | undefined): Promise<Emulators> {
  const worker = new Worker(new URL('./emulatorWorker.mjs', import.meta.url), { workerData: { dataDir } });
  const ready = await new Promise<{ kinesis: string; dynamodb: string }>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`emulator worker exited with ${code}`)));
    worker.once('message', (msg: { type: string; kinesis: string; dynamodb: string }) => {
      if (msg.type === 'ready') resolve(msg);
    });
  });
  worker.removeAllListeners('exit');
  let closing: Promise<void> | undefined;
  return {
    endpoints: { kinesis: ready.kinesis, dynamodb: ready.dynamodb },
    // Idempotent: a test may take the emulators down before the stack stops.
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => {
          worker.on('message', (msg: { type: string }) => {
            if (msg.type === 'closed') resolve();
          });
        });
        worker.postMessage({ type: 'close' });
        await closed;
        await worker.terminate();
      })();
      return closing;
    },
  };
}
