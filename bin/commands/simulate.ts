/**
 * `dashnet simulate` — drives a simulated fleet of dash cams against a running stack (local or
 * deployed), and `runFleet`, the same fleet for `dashnet start`. This file is the I/O shell
 * around `sim/`: it owns the wall clock, the HTTP calls and the road-network file. Every event
 * the stack receives was detected, redacted, batched and queued by a camera's `edge/` pipeline
 * and sent by that camera's uplink; the simulation itself only moves cars and writes sensor
 * samples.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KeyValueStorage } from '../../edge/core/storage.ts';
import type { Transport, TransportRequest } from '../../edge/core/transport.ts';
import type { LocatedEvent } from '../../edge/privacy/redactor.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { type CameraFleetStats, createCameraFleet, type SimCameraView } from '../../sim/cameraFleet.ts';
import type { Incident } from '../../sim/world/incidents.ts';
import { buildRoadGraph, type RoadCollection, type RoadGraph } from '../../sim/world/roadGraph.ts';
import { defaultScenario } from '../../sim/world/scenario.ts';
import { type SimTimeline, simTimeAt } from '../../sim/world/simTime.ts';

const ROADS_URL = new URL('../../data/roads/pgh_major_roads.geojson.gz', import.meta.url);
const DEFAULT_CAMERAS = 100;
const DEFAULT_SPEEDUP = 6;
/** Sim time starts this far in the past, so hazards build up quickly and then run in real time. */
const DEFAULT_START_OFFSET_MS = 20 * 60_000;
/** Requests in flight at once: enough for ~100 cameras, gentle on a 2-core local stack. */
const MAX_IN_FLIGHT = 8;
/**
 * Batches waiting on the cameras, per camera, beyond which the simulation holds sim time: a
 * stack that cannot keep up slows the simulation down instead of making cameras drop their
 * oldest batches (the durable queue's full policy).
 */
const MAX_QUEUED_PER_CAMERA = 3;
const TICK_MS = 200;
/**
 * Wall time one tick may spend synthesising sensors and running cameras. The stack shares the
 * process in `dashnet start`: it must keep answering, so a fleet too big for the CPU runs behind
 * the wall clock (sim time slows) rather than starving it.
 */
const TICK_BUDGET_MS = 120;
/** Sim time advanced per slice inside a tick. */
const SLICE_MS = 1000;

/** Options of {@link runFleet}. */
export interface RunFleetOptions {
  apiUrl: string;
  operatorToken: string;
  cameras: number;
  /** Simulated duration in minutes; unbounded (until stop) when omitted. */
  minutes?: number;
  seed: number;
  /** Sim seconds per wall second until sim time catches up with the wall clock (default 6). */
  speedup?: number;
  /** How far in the past sim time starts, ms (default 20 minutes). */
  startOffsetMs?: number;
  /** Called for every event a camera's uplink sends, with the camera's display id. */
  onEvent?: (event: unknown, cameraId: string) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  log?: (line: string) => void;
  /** Road network file (gzipped GeoJSON); defaults to the bundled Pittsburgh network. */
  roadsPath?: string | URL;
  /** Flash of camera `i` (tests watch what the durable queue stores); in memory by default. */
  storageFor?: (i: number) => KeyValueStorage;
  /** Every detection a camera makes, unredacted: its device-local record. */
  onDetection?: (camera: number, e: LocatedEvent) => void;
}

/** Counters of the uplinks, for status lines and benches. */
export interface SendStats {
  batchesSent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  dropped: number;
  /** Batches waiting in the cameras' durable queues. */
  queued: number;
}

/** How fast this machine runs the fleet. */
export interface PaceStats {
  /** Sim time minus wall-clock target, ms (≤ 0: behind, i.e. sim time was slowed). */
  lagMs: number;
  /**
   * Cost of one camera (car motion, sensor synthesis, edge pipeline), ms of the event loop per
   * simulated minute: wall time of the synchronous simulation steps, so it also counts what other
   * processes take from this core right now (the bench's `sim.*` figures are pure CPU time).
   */
  cpuMsPerCameraMinute: number;
  /** Cameras one core keeps in real time at that cost. */
  realtimeCameras: number;
}

/** A running fleet. */
export interface FleetHandle {
  /** Live positions and camera state; `id` is a display name, not the device id. */
  cameras(): SimCameraView[];
  /** Ground truth of the injected incidents. */
  incidents(): Incident[];
  /** Current simulated time, epoch ms. */
  simNowMs(): number;
  stats(): { fleet: CameraFleetStats; send: SendStats; pace: PaceStats };
  /** Resolves when `minutes` of sim time have been simulated and sent (never when unbounded). */
  readonly done: Promise<void>;
  /** Stops the simulation, lets the cameras send what is pending (briefly) and resolves. */
  stop(): Promise<void>;
}

/** An error of the fleet shell, with a stable code. */
export class SimulateError extends Error {
  override readonly name = 'SimulateError';
  constructor(
    readonly code: 'PROVISION_FAILED' | 'ROADS_UNREADABLE',
    message: string,
  ) {
    super(message);
  }
}

/** Loads the bundled road network. */
export function loadRoadGraph(path: string | URL = ROADS_URL): RoadGraph {
  let collection: RoadCollection;
  try {
    const raw = readFileSync(path);
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    collection = JSON.parse(text) as RoadCollection;
  } catch (err) {
    throw new SimulateError(
      'ROADS_UNREADABLE',
      `cannot read road network ${String(path)}: ${(err as Error).message}`,
    );
  }
  return buildRoadGraph(collection);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

interface HttpResult {
  status: number;
  body: unknown;
}

/**
 * Calls the API, retrying what is retryable: 429 after its Retry-After, 5xx and network errors
 * with capped exponential backoff. The request body is identical on every attempt, so a retried
 * batch keeps its batchId and the API deduplicates it. Gives up only when `signal` aborts.
 */
async function call(
  doFetch: typeof fetch,
  url: string,
  init: { method: string; token: string; body: unknown },
  signal: AbortSignal,
  onRetry: () => void,
): Promise<HttpResult | undefined> {
  const body = JSON.stringify(init.body);
  let backoffMs = 500;
  for (;;) {
    if (signal.aborted) return undefined;
    let wait = backoffMs;
    try {
      const res = await doFetch(url, {
        method: init.method,
        headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
        body,
        signal,
      });
      const text = await res.text();
      if (res.status === 429) {
        const retryAfterS = Number(res.headers.get('retry-after'));
        wait = Number.isFinite(retryAfterS) && retryAfterS >= 0 ? retryAfterS * 1000 : 1000;
      } else if (res.status < 500) {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the raw text: an error page is still worth logging
        }
        return { status: res.status, body: parsed };
      }
    } catch {
      if (signal.aborted) return undefined;
    }
    onRetry();
    await sleep(wait, signal);
    backoffMs = Math.min(backoffMs * 2, 8000);
  }
}

/** Runs async tasks with at most `limit` in flight. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A camera transport over `fetch`, reporting each answer to `onAnswer`. An aborted signal
 * (shutdown) makes every attempt fail, which the uplink treats as a retryable network error.
 */
function fetchTransport(
  doFetch: typeof fetch,
  signal: AbortSignal,
  onAnswer: (req: TransportRequest, status: number, body: string) => void,
): Transport {
  return async (req) => {
    const res = await doFetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body),
      signal,
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    onAnswer(req, res.status, text);
    return { status: res.status, headers, body: text };
  };
}

/** The JSON text of a request body, gunzipped when the camera compressed it. */
function requestText(req: TransportRequest): string {
  if (typeof req.body === 'string') return req.body;
  return gunzipSync(req.body).toString('utf8');
}

/**
 * Provisions one device per camera, opts each into the network, then drives the fleet: sim time
 * starts `startOffsetMs` in the past and runs `speedup`× faster than the wall clock until it
 * catches up, then in real time. No event is ever stamped after the wall clock. Each camera runs
 * the real `edge/` pipeline on synthesised sensor streams, and its own uplink sends its queue.
 * When the CPU or the stack cannot keep up, sim time slows down; no camera drops data.
 *
 * @example
 * const fleet = await runFleet({ apiUrl, operatorToken, cameras: 100, seed: 1 });
 * // … later
 * await fleet.stop();
 */
export async function runFleet(opts: RunFleetOptions): Promise<FleetHandle> {
  const log = opts.log ?? (() => {});
  const doFetch = opts.fetch ?? globalThis.fetch;
  const api = opts.apiUrl.replace(/\/+$/, '');
  const stopper = new AbortController();
  const signal = stopper.signal;
  opts.signal?.addEventListener('abort', () => stopper.abort(), { once: true });

  const graph = loadRoadGraph(opts.roadsPath);
  const wallStartMs = Date.now();
  const timeline: SimTimeline = {
    wallStartMs,
    simStartMs: wallStartMs - (opts.startOffsetMs ?? DEFAULT_START_OFFSET_MS),
    speedup: opts.speedup ?? DEFAULT_SPEEDUP,
  };
  const endMs =
    opts.minutes === undefined ? Number.POSITIVE_INFINITY : timeline.simStartMs + opts.minutes * 60_000;
  const horizonMs = opts.minutes === undefined ? 24 * 60 * 60_000 : opts.minutes * 60_000;
  const scenario = defaultScenario(opts.seed, graph, {
    startMs: timeline.simStartMs,
    cameras: opts.cameras,
    horizonMs,
  });
  const fleet = createCameraFleet(graph, scenario, {
    ...(opts.storageFor ? { storageFor: opts.storageFor } : {}),
    ...(opts.onDetection ? { onDetection: opts.onDetection } : {}),
  });
  const send: SendStats = {
    batchesSent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    retries: 0,
    dropped: 0,
    queued: 0,
  };
  const onRetry = (): void => {
    send.retries++;
  };

  // Provision every camera: device, then network consent.
  const tokens: string[] = new Array(opts.cameras).fill('');
  let provisionError: string | undefined;
  await pool(
    Array.from({ length: opts.cameras }, (_, i) => i),
    MAX_IN_FLIGHT,
    async (i) => {
      if (provisionError) return;
      const dev = await call(
        doFetch,
        `${api}/v1/devices`,
        { method: 'POST', token: opts.operatorToken, body: {} },
        signal,
        onRetry,
      );
      const body = dev?.body as { deviceId?: unknown; token?: unknown } | undefined;
      if (dev?.status !== 201 || typeof body?.token !== 'string') {
        provisionError ??= `POST /v1/devices answered ${dev?.status ?? 'nothing'}`;
        return;
      }
      tokens[i] = body.token;
      const consent = await call(
        doFetch,
        `${api}/v1/consent`,
        { method: 'PUT', token: body.token, body: { network: true } },
        signal,
        onRetry,
      );
      if (!consent || consent.status >= 300)
        provisionError ??= `PUT /v1/consent answered ${consent?.status ?? 'nothing'}`;
    },
  );
  if (provisionError) {
    stopper.abort();
    throw new SimulateError('PROVISION_FAILED', provisionError);
  }
  log(
    `simulate: ${opts.cameras} cameras provisioned; ${scenario.incidents.length} incidents scheduled (seed ${opts.seed})`,
  );

  // Sending continues briefly after stop() so that pending batches still go out.
  const sendAbort = new AbortController();
  const cameraIds = fleet.views().map((c) => c.id);
  const cameraOfToken = new Map(tokens.map((t, i) => [t, i]));
  const onAnswer = (req: TransportRequest, status: number, text: string): void => {
    if (status === 202) {
      let r: { accepted?: number; duplicates?: number; rejected?: unknown[] } = {};
      try {
        r = JSON.parse(text) as typeof r;
      } catch {
        // counted as sent; the numbers are for status lines only
      }
      send.batchesSent++;
      send.accepted += r.accepted ?? 0;
      send.duplicates += r.duplicates ?? 0;
      send.rejected += r.rejected?.length ?? 0;
      if (r.rejected && r.rejected.length > 0)
        log(`simulate: ${r.rejected.length} events rejected: ${JSON.stringify(r.rejected[0])}`);
      if (opts.onEvent) {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const id = cameraIds[cameraOfToken.get(token) ?? -1] ?? '?';
        const body = JSON.parse(requestText(req)) as { events?: unknown[] };
        for (const e of body.events ?? []) opts.onEvent(e, id);
      }
    } else if (status === 429 || status >= 500) {
      send.retries++;
    } else if (status >= 400) {
      // The uplink drops what the API refuses as malformed (400/413/422); 401/403 it retries.
      send.dropped++;
      log(`simulate: HTTP ${status} to a batch: ${text.slice(0, 200)}`);
    }
  };
  const transport = fetchTransport(doFetch, sendAbort.signal, onAnswer);
  // The uplink waits in wall time: backoff and Retry-After are about a real server.
  const wallClock = { nowMs: () => Date.now() };
  fleet.cameras.forEach((c, i) => {
    c.connect({
      apiUrl: api,
      deviceToken: tokens[i] as string,
      transport,
      gzip: (text) => new Uint8Array(gzipSync(text)),
      clock: wallClock,
    });
  });

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const queuedTotal = (): number => fleet.cameras.reduce((a, c) => a + c.queueDepth, 0);
  const sending = new Set<number>();
  const pump = (): void => {
    for (let i = 0; i < fleet.cameras.length && inFlight < MAX_IN_FLIGHT; i++) {
      const cam = fleet.cameras[i];
      if (!cam?.uplink || cam.queueDepth === 0 || sending.has(i)) continue;
      if (Date.now() < cam.uplink.nextAttemptAtMs) continue;
      sending.add(i);
      inFlight++;
      void cam.uplink.pump().finally(() => {
        sending.delete(i);
        inFlight--;
        pump();
      });
    }
    send.queued = queuedTotal();
    if (send.queued === 0 && inFlight === 0) drained?.();
  };
  const whenDrained = (timeoutMs: number): Promise<void> =>
    new Promise((resolve) => {
      // Cameras backing off (5xx, 429) wait in wall time: keep offering them the line.
      const retry = setInterval(pump, TICK_MS);
      const t = setTimeout(() => {
        clearInterval(retry);
        resolve();
      }, timeoutMs);
      drained = () => {
        clearTimeout(t);
        clearInterval(retry);
        resolve();
      };
      pump();
    });

  // Pace: event-loop time the fleet costs per simulated camera-minute, measured as it runs.
  let busyMs = 0;
  let simulatedMs = 0;
  let lagMs = 0;
  const pace = (): PaceStats => {
    const cpuMsPerCameraMinute = simulatedMs > 0 ? (busyMs / (simulatedMs * opts.cameras)) * 60_000 : 0;
    return {
      lagMs,
      cpuMsPerCameraMinute: Math.round(cpuMsPerCameraMinute * 100) / 100,
      realtimeCameras: cpuMsPerCameraMinute > 0 ? Math.floor(60_000 / cpuMsPerCameraMinute) : 0,
    };
  };

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let finished = false;
  const tick = (): void => {
    if (signal.aborted || finished) return;
    const target = Math.min(simTimeAt(Date.now(), timeline), endMs);
    const tickStart = performance.now();
    while (
      fleet.nowMs < target &&
      performance.now() - tickStart < TICK_BUDGET_MS &&
      queuedTotal() < MAX_QUEUED_PER_CAMERA * opts.cameras
    ) {
      const before = fleet.nowMs;
      const t0 = performance.now();
      fleet.advanceTo(Math.min(target, before + SLICE_MS));
      busyMs += performance.now() - t0;
      simulatedMs += fleet.nowMs - before;
      if (fleet.nowMs === before) break;
    }
    lagMs = fleet.nowMs - target;
    pump();
    if (fleet.nowMs >= endMs) {
      finished = true;
      clearInterval(timer);
      fleet.finish();
      void whenDrained(60_000).then(resolveDone);
    }
  };
  const timer = setInterval(tick, TICK_MS);
  tick();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timer);
      if (!finished) fleet.finish();
      finished = true;
      stopper.abort();
      await whenDrained(5000);
      sendAbort.abort();
      resolveDone();
    })();
    return stopping;
  };
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });

  return {
    cameras: () => fleet.views(),
    incidents: () => fleet.incidents(),
    simNowMs: () => fleet.nowMs,
    stats: () => ({ fleet: fleet.stats(), send: { ...send, queued: queuedTotal() }, pace: pace() }),
    done,
    stop,
  };
}

const USAGE =
  'usage: dashnet simulate --api URL [--cameras N] [--minutes M] [--seed S] [--speedup X] [--operator-token T]';

interface SimulateArgs {
  api: string;
  cameras: number;
  minutes?: number;
  seed: number;
  speedup: number;
  operatorToken: string;
}

/** Parses the arguments of `dashnet simulate`; returns a one-line reason when they are bad. */
export function parseSimulateArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SimulateArgs | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) return `unexpected argument '${arg}'`;
    const name = m[1] as string;
    if (!['api', 'cameras', 'minutes', 'seed', 'speedup', 'operator-token'].includes(name))
      return `unknown option --${name}`;
    const value = m[2] ?? argv[++i];
    if (value === undefined) return `--${name} needs a value`;
    values.set(name, value);
  }
  const api = values.get('api');
  if (!api) return '--api URL is required';
  try {
    const u = new URL(api);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return `--api must be an http(s) URL, got '${api}'`;
  } catch {
    return `--api must be a URL, got '${api}'`;
  }
  const int = (name: string, def: number, min: number, max: number): number | string => {
    const raw = values.get(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max
      ? n
      : `--${name} must be an integer in [${min}, ${max}], got '${raw}'`;
  };
  const cameras = int('cameras', DEFAULT_CAMERAS, 1, 5000);
  if (typeof cameras === 'string') return cameras;
  const seed = int('seed', 1, 0, 2 ** 32 - 1);
  if (typeof seed === 'string') return seed;
  const num = (name: string): number | string | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n > 0 ? n : `--${name} must be a positive number, got '${raw}'`;
  };
  const minutes = num('minutes');
  if (typeof minutes === 'string') return minutes;
  const speedup = num('speedup') ?? DEFAULT_SPEEDUP;
  if (typeof speedup === 'string') return speedup;
  const operatorToken = values.get('operator-token') ?? env.DASHNET_OPERATOR_TOKEN;
  if (!operatorToken) return 'an operator token is required: --operator-token T or DASHNET_OPERATOR_TOKEN';
  return { api, cameras, seed, speedup, operatorToken, ...(minutes === undefined ? {} : { minutes }) };
}

/**
 * `dashnet simulate --api URL [--cameras N] [--minutes M] [--seed S]`: runs until `--minutes` of
 * sim time are sent, or until SIGINT. Exit 0 on success, 2 on bad arguments, 1 when the API refuses.
 */
export async function simulateCommand(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv, process.env);
  if (typeof args === 'string') {
    process.stderr.write(`dashnet simulate: ${args} (${USAGE})\n`);
    return 2;
  }
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const interrupted = new AbortController();
  const onSigint = (): void => interrupted.abort();
  process.once('SIGINT', onSigint);
  let handle: FleetHandle;
  try {
    handle = await runFleet({
      apiUrl: args.api,
      operatorToken: args.operatorToken,
      cameras: args.cameras,
      seed: args.seed,
      speedup: args.speedup,
      signal: interrupted.signal,
      log,
      ...(args.minutes === undefined ? {} : { minutes: args.minutes }),
    });
  } catch (err) {
    process.off('SIGINT', onSigint);
    process.stderr.write(`dashnet simulate: ${(err as Error).message}\n`);
    return err instanceof SimulateError && err.code === 'ROADS_UNREADABLE' ? 2 : 1;
  }
  for (const inc of handle.incidents().slice(0, 5)) {
    log(
      `incident ${inc.kind} at ${inc.lat},${inc.lng} heading ${inc.headingDeg}° from ${isoOf(inc.startMs)}`,
    );
  }
  let capacityTold = false;
  const status = setInterval(() => {
    const { fleet, send, pace } = handle.stats();
    if (!capacityTold && pace.realtimeCameras > 0) {
      capacityTold = true;
      log(
        `simulate: one camera costs ${pace.cpuMsPerCameraMinute} ms of one core per simulated minute here and now (sensors + edge pipeline): ` +
          `this machine keeps about ${pace.realtimeCameras} cameras real-time on one core` +
          (pace.realtimeCameras < args.cameras
            ? `; ${args.cameras} cameras will run slower than real time (sim time slows, no data is dropped)`
            : ''),
      );
    }
    log(
      `sim ${isoOf(handle.simNowMs())} (lag ${Math.round(-pace.lagMs / 1000)} s) batches ${send.batchesSent} ` +
        `accepted ${send.accepted} dup ${send.duplicates} rejected ${send.rejected} retries ${send.retries} ` +
        `queued ${send.queued} km ${fleet.drivenKm.toFixed(0)} detected ${fleet.detected}`,
    );
  }, 15_000);
  await Promise.race([
    handle.done,
    new Promise<void>((r) => interrupted.signal.addEventListener('abort', () => r(), { once: true })),
  ]);
  await handle.stop();
  clearInterval(status);
  process.off('SIGINT', onSigint);
  const { send, pace } = handle.stats();
  log(
    `simulate: done, ${send.batchesSent} batches, ${send.accepted} events accepted, ${send.dropped} batches dropped; ` +
      `one camera cost ${pace.cpuMsPerCameraMinute} ms per simulated minute, so this machine keeps about ` +
      `${pace.realtimeCameras} cameras real-time on one core`,
  );
  return send.dropped > 0 && send.batchesSent === 0 ? 1 : 0;
}
