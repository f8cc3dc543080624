import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_RELEASE_KEY_FILE, localReleaseSeed } from '../functions/adapters/artefactReleaseKeys.ts';
import { createAwsClients, routeTables } from '../functions/adapters/awsClients.ts';
import type { RateLimits } from '../functions/adapters/rateLimiter.ts';
import { HTTP_FACTORIES } from '../functions/registry.ts';
import { type AppDeps, createDeps } from '../functions/runtime/deps.ts';
import { type LogFormat, setLogFormat } from '../functions/runtime/observability.ts';
import type { AggregationReport } from '../functions/stream/aggregator.ts';
import type { HazardRuleName } from '../lib/hazards/hazardRule.ts';
import { ENV } from '../lib/resources.ts';
import { startBackgroundJobs } from './backgroundJobs.ts';
import { startConsumerWorker } from './consumerHost.ts';
import { guardDisk } from './diskGuard.ts';
import { type Emulators, startEmulators } from './emulators.ts';
import type { EsmSettings } from './esmRunner.ts';
import { parseFaultSpec, startStackFaultProxies } from './faultProxy.ts';
import { fileFailureSink } from './fileFailureSink.ts';
import { type ExtraRoute, startHttpServer } from './httpServer.ts';
import { provisionResources, resourceNames } from './provision.ts';
import { type StreamConsumers, startStreamConsumers } from './streamConsumers.ts';
import { withStreamSide } from './streamSide.ts';

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Persist emulator data, checkpoints and failures here; in memory when undefined. */
  dataDir?: string;
  operatorToken?: string;
  hazardMinCameras?: number;
  hazardRule?: HazardRuleName;
  /**
   * Use already running Kinesis and DynamoDB endpoints (AWS's DynamoDB Local, kinesis-local)
   * instead of the embedded emulators: the conformance tests run the same stack on them.
   */
  endpoints?: { kinesis: string; dynamodb: string };
  stage?: string;
  clock?: () => number;
  log?: (line: string) => void;
  /** Local-only routes (the map page), tried after the contract's routes. */
  extra?: (stack: LocalStackHandle) => ExtraRoute;
  onAggregation?: (report: AggregationReport) => void;
  /** Overrides of the event source mapping, e.g. a shorter batching window in tests. */
  esm?: Partial<EsmSettings>;
  /** Per-device / per-insurer request limits (defaults in functions/adapters/rateLimiter.ts). */
  rateLimits?: Partial<RateLimits>;
  /** How long ingest caches the rollouts under way (ms; default 60 s; 0 in tests that change them). */
  artefactCacheMs?: number;
  /** How often the deletion worker drains its queue (ms; default 1000; 0 = never, tests drive it). */
  deletionWorkerIntervalMs?: number;
  /**
   * Run the Kinesis consumers on a worker thread of their own (default), so the HTTP API does
   * not wait behind consumer batches; they run on the main thread when false, and always when
   * a `clock` is injected (a function cannot cross to another thread).
   */
  consumerThread?: boolean;
  /**
   * Lower the priority of the consumer thread and of the stream-side tables' emulator, so the
   * HTTP API comes first on a small machine (what
   * `dashnet serve`/`start` and the ingest bench do). Off by default: in the test suite many stacks
   * share the cores, and consumers at low priority there would only make tests wait.
   */
  consumersYield?: boolean;
  /**
   * The functions' Powertools logs and EMF metrics: `json` prints them on stdout, one JSON
   * object a line with the same fields as in CloudWatch; `silent` (default) computes but drops them.
   */
  logFormat?: LogFormat;
  /**
   * Fault injection between the functions and the emulators (`local/faultProxy.ts` spec, e.g.
   * `throttle=0.05;lost@PutItem=0.01;seed=3`); `DASHNET_FAULTS` when absent; none when both are.
   */
  faults?: string;
  /**
   * Free bytes the data directory keeps: below it, telemetry is refused with 503 + Retry-After
   * (`local/diskGuard.ts`; `DASHNET_DISK_RESERVE_MB` overrides it at run time).
   */
  diskReserveBytes?: number;
}

export interface LocalStackHandle {
  url: string;
  operatorToken: string;
  deps: AppDeps;
  emulators: Emulators;
  /** The aggregator's and the insights consumer's event source mappings on the stream. */
  consumers: StreamConsumers;
  /** Stops accepting requests, lets the consumer read out the stream, then closes everything. */
  stop(): Promise<void>;
}

/**
 * The whole of dashnet on one machine: Kinesis and DynamoDB emulators, resources created from
 * the shared definitions, the stream consumer under a local event source mapping, and the
 * HTTP API — the same handler modules as on AWS, only endpoints and invocation differ.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStackHandle> {
  const log = opts.log ?? (() => {});
  setLogFormat(opts.logFormat ?? 'silent');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const operatorToken =
    opts.operatorToken ?? process.env[ENV.operatorToken] ?? `dno_${randomBytes(24).toString('base64url')}`;
  if (opts.dataDir)
    writeFileSync(join(opts.dataDir, 'operator-token'), `${operatorToken}\n`, { mode: 0o600 });
  // Insurer export files and their signing key live in the data directory, like everything else.
  if (opts.dataDir) process.env.DASHNET_EXPORTS_DIR ??= join(opts.dataDir, 'exports');
  // So do the OTA artefacts and the local release key (generated on first start, like the token).
  if (opts.dataDir) {
    const artefactsDir = process.env[ENV.artefactsDir] ?? join(opts.dataDir, 'artefacts');
    process.env[ENV.artefactsDir] = artefactsDir;
    localReleaseSeed(join(artefactsDir, LOCAL_RELEASE_KEY_FILE));
  }

  const emulators: Emulators = opts.endpoints
    ? { endpoints: opts.endpoints, close: async () => {} }
    : await startEmulators(opts.dataDir, {
        splitStreamSide: true,
        streamSideYields: opts.consumersYield === true,
      });
  const region = 'us-east-1';
  const faultSpec = opts.faults ?? process.env.DASHNET_FAULTS;
  const faults = faultSpec
    ? await startStackFaultProxies(parseFaultSpec(faultSpec), emulators.endpoints)
    : undefined;
  // Provisioning below goes to the emulators directly; every function's call goes through the faults.
  const names = resourceNames(opts.stage ?? 'local');
  const endpoints = withStreamSide(faults?.endpoints ?? emulators.endpoints, names);
  const clients = createAwsClients({ region, endpoints });
  const rawDdb = new DynamoDBClient({
    region,
    endpoint: emulators.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  const direct = withStreamSide(emulators.endpoints, names);
  if (direct.dynamodbByTable) routeTables(rawDdb, direct.dynamodbByTable);
  await provisionResources(rawDdb, clients.kinesis, names);

  const failuresFile = opts.dataDir ? join(opts.dataDir, 'failures.jsonl') : undefined;
  const deps = createDeps({
    clients,
    names,
    failureSink: fileFailureSink(failuresFile),
    operatorToken: async () => operatorToken,
    ...(opts.hazardMinCameras ? { hazardMinCameras: opts.hazardMinCameras } : {}),
    ...(opts.hazardRule ? { hazardRule: opts.hazardRule } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
    ...(opts.artefactCacheMs !== undefined ? { artefactCacheMs: opts.artefactCacheMs } : {}),
  });

  const consumerOptions = { region, dataDir: opts.dataDir, esm: opts.esm };
  const consumers =
    opts.consumerThread !== false && !opts.clock
      ? await startConsumerWorker(
          {
            ...consumerOptions,
            endpoints,
            names,
            failuresFile,
            hazardMinCameras: opts.hazardMinCameras,
            hazardRule: opts.hazardRule,
            reports: opts.onAggregation !== undefined,
            logFormat: opts.logFormat ?? 'silent',
            lowPriority: opts.consumersYield === true,
          },
          log,
          opts.onAggregation,
        )
      : await startStreamConsumers(deps, consumerOptions, log, opts.onAggregation);
  // Asynchronous jobs and TTL, as AWS runs them (a scheduled worker; DynamoDB TTL), which the
  // emulators lack: the same worker code on an interval, and a sweep of expired items.
  const background = startBackgroundJobs(deps, opts.deletionWorkerIntervalMs ?? 1000, log);

  const handlers = Object.fromEntries(Object.entries(HTTP_FACTORIES).map(([id, f]) => [id, f(deps)]));
  if (opts.dataDir && handlers.telemetry) {
    handlers.telemetry = guardDisk(handlers.telemetry, {
      dataDir: opts.dataDir,
      ...(opts.diskReserveBytes !== undefined ? { reserveBytes: opts.diskReserveBytes } : {}),
    });
  }
  const handle: LocalStackHandle = {
    url: '',
    operatorToken,
    deps,
    emulators,
    consumers,
    stop: async () => {},
  };
  const http = await startHttpServer({
    port: opts.port ?? 0,
    handlers,
    log,
    ...(opts.extra ? { extra: opts.extra(handle) } : {}),
  });
  handle.url = http.url;
  handle.stop = async () => {
    await http.close();
    await background.stop();
    await consumers.stop(10_000);
    clients.ddb.destroy();
    clients.kinesis.destroy();
    rawDdb.destroy();
    await faults?.close();
    await emulators.close();
  };
  return handle;
}
