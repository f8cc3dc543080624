import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { createAwsClients, type Endpoints } from '../functions/adapters/awsClients.ts';
import { createDeps, type ResourceNames } from '../functions/runtime/deps.ts';
import { type LogFormat, setLogFormat } from '../functions/runtime/observability.ts';
import type { AggregationReport } from '../functions/stream/aggregator.ts';
import type { HazardRuleName } from '../lib/hazards/hazardRule.ts';
import { fileFailureSink } from './fileFailureSink.ts';
import { type StreamConsumerOptions, type StreamConsumers, startStreamConsumers } from './streamConsumers.ts';

/** Everything the consumer thread needs, as plain data (functions cannot cross threads). */
export interface ConsumerWorkerData extends StreamConsumerOptions {
  endpoints: Endpoints;
  names: ResourceNames;
  failuresFile?: string | undefined;
  hazardMinCameras?: number | undefined;
  hazardRule?: HazardRuleName | undefined;
  /** Post every aggregation report back (only when someone listens: the live map). */
  reports: boolean;
  /** Lower this thread's priority (`LocalStackOptions.consumersYield`). */
  lowPriority: boolean;
  logFormat: LogFormat;
}

type ToHost =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'report'; report: AggregationReport }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

/** The worker side: builds its own clients and stores over the same endpoints, runs the consumers. */
export async function runConsumerWorker(port: MessagePort | null, data: ConsumerWorkerData): Promise<void> {
  if (!port) throw new Error('runConsumerWorker runs on a worker thread');
  const post = (msg: ToHost) => port.postMessage(msg);
  setLogFormat(data.logFormat);
  const clients = createAwsClients({ region: data.region, endpoints: data.endpoints });
  const deps = createDeps({
    clients,
    names: data.names,
    failureSink: fileFailureSink(data.failuresFile),
    // The consumers never authenticate anyone.
    operatorToken: async () => {
      throw new Error('no operator token on the consumer thread');
    },
    ...(data.hazardMinCameras ? { hazardMinCameras: data.hazardMinCameras } : {}),
    ...(data.hazardRule ? { hazardRule: data.hazardRule } : {}),
  });
  let consumers: StreamConsumers;
  try {
    consumers = await startStreamConsumers(
      deps,
      data,
      (line) => post({ type: 'log', line }),
      data.reports ? (report) => post({ type: 'report', report }) : undefined,
    );
  } catch (err) {
    post({ type: 'failed', error: String(err) });
    return;
  }
  port.on('message', async (msg: { type: string; drainMs: number }) => {
    if (msg.type !== 'stop') return;
    await consumers.stop(msg.drainMs);
    clients.ddb.destroy();
    clients.kinesis.destroy();
    post({ type: 'stopped' });
  });
  post({ type: 'ready' });
}

/**
 * Starts the stream consumers on a worker thread (`consumerWorker.mjs`) and returns the same
 * handle as in-process consumers. Aggregation reports and log lines come back as messages.
 */
export async function startConsumerWorker(
  data: ConsumerWorkerData,
  log: (line: string) => void,
  onAggregation?: (report: AggregationReport) => void,
): Promise<StreamConsumers> {
  const worker = new Worker(new URL('./consumerWorker.mjs', import.meta.url), { workerData: data });
  let stopped: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`consumer worker exited with ${code}`)));
    worker.on('message', (msg: ToHost) => {
      if (msg.type === 'ready') resolve();
      else if (msg.type === 'failed') reject(new Error(`stream consumers failed to start: ${msg.error}`));
      else if (msg.type === 'log') log(msg.line);
      else if (msg.type === 'report') onAggregation?.(msg.report);
      else if (msg.type === 'stopped') stopped?.();
    });
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  worker.on('error', (err) => log(`consumer worker: ${String(err)}`));
  // A worker that died cannot answer the stop message: stopping must not wait for it.
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    stopped?.();
  });
  let stopping: Promise<void> | undefined;
  return {
    stop: (drainMs) => {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          stopped = resolve;
          if (exited) resolve();
          else worker.postMessage({ type: 'stop', drainMs });
        });
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
