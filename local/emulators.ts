import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Endpoints } from '../functions/adapters/awsClients.ts';

export interface Emulators {
  endpoints: EmulatorEndpoints;
  close(): Promise<void>;
}

/** Where the emulators listen; `dynamodbStreamSide` when the stream-side tables have their own. */
export interface EmulatorEndpoints extends Endpoints {
  dynamodbStreamSide?: string;
}

export interface EmulatorOptions {
  /**
   * Serve the stream consumers' tables (`local/streamSide.ts`) from a second DynamoDB emulator on
   * its own thread, so the API's calls never queue behind the consumers' bucket writes. A data directory from before the split keeps one emulator (its tables live there).
   */
  splitStreamSide?: boolean;
  /** Run the stream-side emulator 10 nice levels lower (Linux), with the consumers (`consumersYield`). */
  streamSideYields?: boolean;
}

interface Ready {
  type: string;
  kinesis?: string;
  dynamodb: string;
}

/** One emulator worker (`emulatorWorker.mjs`): its endpoints, and how to close it. */
async function startWorker(
  data: Record<string, unknown>,
): Promise<{ ready: Ready; close: () => Promise<void> }> {
  const worker = new Worker(new URL('./emulatorWorker.mjs', import.meta.url), { workerData: data });
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`emulator worker exited with ${code}`)));
    worker.once('message', (msg: Ready) => {
      if (msg.type === 'ready') resolve(msg);
    });
  });
  worker.removeAllListeners('exit');
  return {
    ready,
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

/** The stream-side DynamoDB emulator's folder in a data directory. */
const STREAM_SIDE_DIR = 'dynamodb-stream';

/**
 * Kinesis (kinesalite) and DynamoDB (dynalite) in this process, persisted under `dataDir`
 * (LevelDB), or in memory when `dataDir` is undefined; resources are created instantly. They
 * run on worker threads (`emulatorWorker.mjs`): the same process, but cores of their own, so the
 * handlers on the main thread do not wait behind the emulators' work.
 */
export async function startEmulators(
  dataDir: string | undefined,
  opts: EmulatorOptions = {},
): Promise<Emulators> {
  const legacyDir =
    dataDir !== undefined &&
    existsSync(join(dataDir, 'dynamodb')) &&
    !existsSync(join(dataDir, STREAM_SIDE_DIR));
  const split = opts.splitStreamSide === true && !legacyDir;
  const [main, streamSide] = await Promise.all([
    startWorker({ dataDir }),
    split
      ? startWorker({
          dataDir,
          kinesis: false,
          dynamoDir: STREAM_SIDE_DIR,
          lowPriority: opts.streamSideYields === true,
        })
      : undefined,
  ]);
  let closing: Promise<void> | undefined;
  return {
    endpoints: {
      kinesis: main.ready.kinesis!,
      dynamodb: main.ready.dynamodb,
      ...(streamSide ? { dynamodbStreamSide: streamSide.ready.dynamodb } : {}),
    },
    // Idempotent: a test may take the emulators down before the stack stops.
    close: () => {
      closing ??= (async () => {
        await Promise.all([main.close(), streamSide?.close()]);
      })();
      return closing;
    },
  };
}
