import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rollupBaselines } from '../../functions/scheduled/baselineRollup.ts';
import { rollupInsights } from '../../functions/scheduled/insightsRollup.ts';
import { seededRandom } from '../../local/faultProxy.ts';
import { startLocalStack } from '../../local/localStack.ts';
import { resourceNames } from '../../local/provision.ts';
import { ApiClient } from '../apiClient.ts';
import {
  type FleetPlan,
  type PlannedBatch,
  planFleet,
  type Verdict,
  verifyAgainstPlan,
} from './groundTruth.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NAMES = resourceNames('local');

/**
 * Where a targeted kill lands: a fault-proxy rule that SIGKILLs the stack's process at that
 * call (`kill-after`: the service applied it, the answer never came back). Phase `ingest` points
 * run while the fleet sends; phase `jobs` points while the rollups and deletions work.
 */
export const KILL_POINTS = {
  'mid-PutRecords (written, unanswered)': { phase: 'ingest', rule: 'kill-after@PutRecords=0.3' },
  'before-PutRecords': { phase: 'ingest', rule: 'kill-before@PutRecords=0.3' },
  'stream written, ingest marker not': {
    phase: 'ingest',
    rule: `kill-before@PutItem ${NAMES.ingestTable}$=0.3`,
  },
  'ingest marker written, not counted': {
    phase: 'ingest',
    rule: `kill-after@PutItem ${NAMES.ingestTable}$=0.3`,
  },
  'mid-aggregation (bucket writes)': {
    phase: 'ingest',
    rule: `kill-after@UpdateItem ${NAMES.bucketsTable}$=0.05`,
  },
  'mid-insights consumer': { phase: 'ingest', rule: `kill-after@PutItem ${NAMES.insightsRawTable}$=0.05` },
  'counter written, unanswered': { phase: 'ingest', rule: `kill-after@UpdateItem ${NAMES.statsTable}$=0.1` },
  // Deletion first: its work is the smallest, and every jobs-phase run also rolls up.
  'mid-deletion (sweeper erasing)': {
    phase: 'jobs',
    rule: `kill-after@DeleteItem ${NAMES.bucketsTable}$=0.5`,
  },
  'mid-deletion (job progress)': {
    phase: 'jobs',
    rule: `kill-after@UpdateItem ${NAMES.identityTable}$=0.5`,
  },
  'mid-baseline rollup': { phase: 'jobs', rule: `kill-after@UpdateItem ${NAMES.baselinesTable}$=0.5` },
  'mid-insights rollup': { phase: 'jobs', rule: `kill-after@PutItem ${NAMES.insightsTable}$=0.5` },
} as const;
export type KillPoint = keyof typeof KILL_POINTS | 'random timing';

export interface CrashHarnessOptions {
  /** Kill cycles (each: start, run, SIGKILL, restart on the same data directory). 0 = one run, no kill. */
  cycles: number;
  cameras?: number;
  /** Cameras that ask for their data to be deleted during the run (among `cameras`). */
  deletedCameras?: number;
  batchesPerCamera?: number;
  seed?: number;
  /** Faults injected on every call throughout (fault proxy spec), besides the kill rules. */
  faults?: string;
  /** Pause between a camera's batches (ms). */
  paceMs?: number;
  minCameras?: number;
  log?: (line: string) => void;
  keepDataDir?: boolean;
}

export interface CrashReport {
  cycles: number;
  kills: Record<string, { planned: number; fired: number }>;
  batches: number;
  events: number;
  /** Seconds from the last restart (spawn) to the backlog drained and every deletion done. */
  recoveryS: number;
  /** Events accepted and processed per second while the fleet sent (first send to last ack, then drained). */
  throughputEventsPerS: number;
  stats: Record<string, number>;
  verdict: Verdict;
  durationS: number;
  /** Batches the stack refused for good (a 4xx other than 429): should be none. */
  refused: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

interface Child {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: Promise<void>;
  startedAt: number;
}

function spawnServe(
  port: number,
  dataDir: string,
  env: Record<string, string>,
  minCameras: number,
  log: (l: string) => void,
): Child {
  const proc = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/dashnet.mjs'),
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--rule',
      'count',
      '--min-cameras',
      String(minCameras),
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => r({ code, signal })),
  );
  const ready = new Promise<void>((res, rej) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening on')) res();
    });
    let err = '';
    proc.stderr?.on('data', (c: Buffer) => {
      const text = c.toString();
      err = (err + text).slice(-2000);
      if (text.trim() && process.env.DASHNET_HARNESS_VERBOSE) log(`  serve: ${text.trim().slice(0, 300)}`);
    });
    void exited.then(({ code, signal }) =>
      rej(new Error(`serve exited (${code ?? signal}) before listening: ${err.trim().slice(-600)}`)),
    );
  });
  ready.catch(() => {});
  return { proc, exited, ready, startedAt: Date.now() };
}

/** Spawns `serve` until one listens (a port briefly held elsewhere, a start that failed). */
async function spawnListening(...args: Parameters<typeof spawnServe>): Promise<Child> {
  for (let attempt = 0; ; attempt++) {
    const child = spawnServe(...args);
    try {
      await child.ready;
      return child;
    } catch (err) {
      args[4](`serve did not start (attempt ${attempt + 1}): ${String(err).slice(0, 300)}`);
      child.proc.kill('SIGKILL');
      await child.exited;
      if (attempt >= 4) throw err;
      await sleep(500);
    }
  }
}

/** The simulated cameras: each sends its batches in order, retrying one until it is acknowledged. */
class FleetDriver {
  readonly acked = new Map<string, { accepted: number; duplicates: number }>();
  refused = 0;
  firstSendMs = 0;
  lastAckMs = 0;
  private stopped = false;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly tokens: string[],
    private readonly plan: FleetPlan,
    private readonly paceMs: number,
  ) {}

  start(): void {
    this.firstSendMs = Date.now();
    const byCamera = new Map<number, PlannedBatch[]>();
    for (const b of this.plan.batches) byCamera.set(b.camera, [...(byCamera.get(b.camera) ?? []), b]);
    this.done = Promise.all(
      [...byCamera].map(async ([camera, batches]) => {
        for (const b of batches) {
          await this.send(this.tokens[camera]!, b);
          if (this.paceMs > 0) await sleep(this.paceMs);
        }
      }),
    ).then(() => {
      this.lastAckMs = Date.now();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private async send(token: string, b: PlannedBatch): Promise<void> {
    const body = JSON.stringify({
      schema: 1,
      batchId: b.batchId,
      sentAt: new Date().toISOString(),
      events: b.events,
    });
    for (let attempt = 0; !this.stopped; attempt++) {
      let status = 0;
      let retryAfterS = 0;
      try {
        const res = await fetch(`${this.url}/v1/telemetry`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(8000),
        });
        status = res.status;
        retryAfterS = Number(res.headers.get('retry-after') ?? 0);
        const json = (await res.json().catch(() => ({}))) as { accepted?: number; duplicates?: number };
        if (status === 202) {
          this.acked.set(b.batchId, { accepted: json.accepted ?? 0, duplicates: json.duplicates ?? 0 });
          return;
        }
      } catch {
        // Down or cut: the camera keeps the batch and retries it.
      }
      if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
        this.refused++;
        return;
      }
      await sleep(
        Math.min(2000, retryAfterS * 1000 || 100 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2),
      );
    }
  }
}

/** Retries an idempotent API call through restarts until it answers `ok`. */
async function until<T>(what: () => Promise<T | undefined>, stopAt = Date.now() + 600_000): Promise<T> {
  for (;;) {
    try {
      const v = await what();
      if (v !== undefined) return v;
    } catch {
      // Down: retry.
    }
    if (Date.now() > stopAt) throw new Error('gave up waiting');
    await sleep(200);
  }
}

/**
 * Crash at every step: runs `dashnet serve` as a child process on one data directory, drives a
 * simulated fleet at it (ground truth known: every batch, retried until acknowledged), SIGKILLs
 * the process at targeted calls (fault-proxy kill rules, see {@link KILL_POINTS}) or at random
 * times, restarts it, and after the cycles checks the final state against the plan: stats
 * balance, every event in its buckets once, hazards, baselines and insights exactly once,
 * deletions done.
 */
export async function runCrashHarness(opts: CrashHarnessOptions): Promise<CrashReport> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const seed = opts.seed ?? 1;
  const random = seededRandom(seed * 7919);
  const cameras = opts.cameras ?? 12;
  const deletedCameras = opts.deletedCameras ?? 2;
  const minCameras = opts.minCameras ?? Math.max(2, Math.min(8, cameras - deletedCameras - 1));
  const plan = planFleet(
    {
      cameras,
      deletedCameras,
      // At least two: every camera then brakes at both sites (the hazards' camera counts).
      batchesPerCamera: Math.max(2, opts.batchesPerCamera ?? Math.ceil(opts.cycles * 0.4)),
      seed,
    },
    Date.now(),
  );
  const events = plan.batches.reduce((n, b) => n + b.events.length, 0);
  const dataDir = mkdtempSync(join(tmpdir(), 'dashnet-crash-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const operatorToken = `dno_${randomBytes(24).toString('base64url')}`;
  const api = new ApiClient(url, operatorToken);
  const kills: CrashReport['kills'] = {};
  const count = (point: string, fired: boolean) => {
    const k = kills[point] ?? { planned: 0, fired: 0 };
    kills[point] = k;
    k.planned++;
    if (fired) k.fired++;
  };
  const baseEnv = (faults: string, jobs: boolean) => ({
    DASHNET_OPERATOR_TOKEN: operatorToken,
    DASHNET_FAULTS: faults ? `${faults};seed=${Math.floor(random() * 1e9)}` : '',
    // Rollups only once the fleet is done: an hour applied while its events still arrive would
    // (by design) leave the late ones out, and the check compares with the final buckets.
    DASHNET_ROLLUP_EVERY_MS: jobs ? '300' : '1000000000',
  });
  const background = opts.faults ?? '';
  const joinRules = (...r: string[]) => r.filter(Boolean).join(';');
  let child: Child | undefined;
  let fleet: FleetDriver | undefined;
  let fleetDone = false;
  const deletionIds: { requestId: string; token: string }[] = [];
  const tokens: string[] = [];
  let cyclesRun = 0;
  let drainedBeforeJobs = false;
  let jobCycles = 0;
  const drainedTo = async (n: number) => {
    const s = (await api.stats()).body as Partial<Record<string, number>> | undefined;
    const accepted = Number(s?.accepted ?? -1);
    const settled = Number(s?.processed ?? 0) + Number(s?.failedToDestination ?? 0);
    return accepted >= n && settled >= accepted ? true : undefined;
  };

  try {
    // Devices first, on a stack without faults: provisioning is not what is under test.
    child = await spawnListening(port, dataDir, baseEnv('', false), minCameras, log);
    for (let i = 0; i < cameras; i++) tokens.push((await api.camera()).token);
    const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    log(`${since()}: ${cameras} cameras provisioned`);
    fleet = new FleetDriver(url, tokens, plan, opts.paceMs ?? 600);
    fleet.start();
    void fleet.done.then(() => {
      fleetDone = true;
    });

    const points = Object.entries(KILL_POINTS);
    const ingestPoints = points.filter(([, p]) => p.phase === 'ingest');
    const jobPoints = points.filter(([, p]) => p.phase === 'jobs');
    const ingestCycles = Math.ceil(opts.cycles * 0.6);
    if (opts.cycles === 0) {
      // One run under the background faults, no kill.
      child.proc.kill('SIGKILL');
      await child.exited;
      child = spawnServe(port, dataDir, baseEnv(background, false), minCameras, log);
      await fleet.done;
    }
    for (let c = 0; c < opts.cycles || (opts.cycles > 0 && !fleetDone); c++) {
      const jobs = fleetDone && c >= ingestCycles;
      if (jobs && !drainedBeforeJobs) {
        // The rollups start once the backlog is processed: an hour is rolled up once, as its
        // buckets stand then (evidence processed later than its lateness is, by design, left out
        // of baselines), and the check compares with the final buckets.
        if (child) {
          child.proc.kill('SIGKILL');
          await child.exited;
        }
        child = await spawnListening(port, dataDir, baseEnv(background, false), minCameras, log);
        await until(() => drainedTo(events));
        drainedBeforeJobs = true;
        log(`${since()}: backlog drained; rollups and deletions from now on`);
      }
      if (jobs && deletionIds.length < plan.deletedCameras.length) {
        // The deleted cameras ask now (their batches are all in): retried through the kills.
        if (!child) child = await spawnListening(port, dataDir, baseEnv('', true), minCameras, log);
        for (const cam of plan.deletedCameras.slice(deletionIds.length)) {
          const token = tokens[cam]!;
          const requestId = await until(async () => {
            const r = await api.request('POST', '/v1/privacy/deletion', { token });
            return r.status === 202 ? String(r.body.requestId) : undefined;
          });
          deletionIds.push({ requestId, token });
        }
      }
      // Stop the previous run (the very first, device-provisioning one included) with SIGKILL.
      if (child) {
        child.proc.kill('SIGKILL');
        await child.exited;
      }
      const pool = jobs ? jobPoints : ingestPoints;
      // Rollup and deletion work is finite (done after a few runs): every jobs-phase run targets
      // one of their points in turn, so the kills land while there is work.
      const targeted = jobs || random() < 0.75;
      const pick = jobs ? pool[jobCycles++ % pool.length]! : pool[Math.floor(random() * pool.length)]!;
      const [name, point] = targeted ? pick : ['random timing', undefined];
      child = spawnServe(
        port,
        dataDir,
        baseEnv(joinRules(background, point?.rule ?? ''), jobs),
        minCameras,
        log,
      );
      const upForMs = 500 + random() * (targeted ? 6000 : 3500);
      const outcome = await Promise.race([
        child.exited.then(() => 'died' as const),
        child.ready.then(
          () => sleep(upForMs).then(() => 'timer' as const),
          () => 'died' as const,
        ),
        sleep(30_000).then(() => 'timer' as const),
      ]);
      const fired = outcome === 'died' && targeted;
      count(name, fired || !targeted);
      if (!fired) {
        child.proc.kill('SIGKILL');
        if (targeted) count('random timing', true);
      }
      await child.exited;
      child = undefined;
      cyclesRun++;
      log(
        `cycle ${cyclesRun}: ${fired ? `killed at "${name}"` : `killed after ${Math.round(upForMs)} ms`} — acked ${fleet.acked.size}/${plan.batches.length}`,
      );
    }

    // The last restart: no faults left but the background ones; time it until all is drained.
    const restartAt = Date.now();
    // Rollups only when the backlog was drained before (see above); else the verification runs them.
    child ??= await spawnListening(port, dataDir, baseEnv(background, drainedBeforeJobs), minCameras, log);
    await child.ready;
    await fleet.done;
    log(`${since()}: every batch acknowledged`);
    for (const cam of plan.deletedCameras.slice(deletionIds.length)) {
      const token = tokens[cam]!;
      const requestId = await until(async () => {
        const r = await api.request('POST', '/v1/privacy/deletion', { token });
        return r.status === 202 ? String(r.body.requestId) : undefined;
      });
      deletionIds.push({ requestId, token });
    }
    await until(() => drainedTo(events));
    const drainedAt = Date.now();
    log(`${since()}: drained, ${((Date.now() - restartAt) / 1000).toFixed(1)} s after the last restart`);
    for (const d of deletionIds) {
      await until(async () => {
        const r = await api.request('GET', `/v1/privacy/deletion/${d.requestId}`, { token: d.token });
        return r.status === 200 && r.body.status === 'done' ? true : undefined;
      });
    }
    const recoveryS = (Date.now() - restartAt) / 1000;
    log(`${since()}: deletions done`);
    // Settle: a last look at the counters once nothing is in flight.
    await sleep(1500);
    const stats = (await api.stats()).body as Record<string, number>;
    // One more kill: everything acknowledged is drained by now, so nothing may depend on a clean stop.
    child.proc.kill('SIGKILL');
    await child.exited;
    child = undefined;

    // Verify on the data directory, through the stores: finish the rollups first (a killed
    // rollup must complete exactly once on its next run).
    // The rollups run under the same background faults; a run that gives up is simply run again.
    const stack = await startLocalStack({
      dataDir,
      operatorToken,
      deletionWorkerIntervalMs: 0,
      ...(background ? { faults: `${background};seed=${seed}` } : {}),
    });
    let verdict: Verdict;
    try {
      const nowMs = Date.now();
      await until(async () => (await rollupBaselines(stack.deps, nowMs)) && true);
      await until(async () => (await rollupInsights(stack.deps, nowMs)) && true);
      verdict = await until(() =>
        verifyAgainstPlan(
          stack.deps,
          plan,
          {
            accepted: Number(stats.accepted),
            processed: Number(stats.processed),
            failedToDestination: Number(stats.failedToDestination),
          },
          nowMs,
        ),
      );
    } finally {
      await stack.stop();
    }
    log(`${since()}: verified`);
    const activeS = Math.max(0.001, (drainedAt - fleet.firstSendMs) / 1000);
    return {
      cycles: cyclesRun,
      kills,
      batches: plan.batches.length,
      events,
      recoveryS,
      throughputEventsPerS: events / activeS,
      stats,
      verdict,
      durationS: (Date.now() - t0) / 1000,
      refused: fleet.refused,
    };
  } finally {
    fleet?.stop();
    if (child) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    else log(`data directory kept: ${dataDir}`);
  }
}

/** A report as text: kills per point, the checks, and every mismatch (at most 20). */
export function formatCrashReport(r: CrashReport): string {
  const lines = [
    `cycles: ${r.cycles}, batches: ${r.batches}, events: ${r.events}, refused batches: ${r.refused}, ${r.durationS.toFixed(0)} s`,
    'kills (planned / fired):',
    ...Object.entries(r.kills).map(([k, v]) => `  ${k}: ${v.planned} / ${v.fired}`),
    `stats: ${JSON.stringify(r.stats)}`,
    `checked: ${JSON.stringify(r.verdict.checked)}`,
    `events lost: ${r.verdict.eventsLost}, double counted: ${r.verdict.doubleCounted}`,
    `recovery after the last restart: ${r.recoveryS.toFixed(1)} s; throughput ${r.throughputEventsPerS.toFixed(1)} events/s`,
    ...r.verdict.mismatches
      .slice(0, 20)
      .map(
        (m) =>
          `  MISMATCH ${m.check} ${m.key}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`,
      ),
  ];
  return lines.join('\n');
}

/** `npx tsx test/faults/crashHarness.ts --cycles 300 [--seed S] [--cameras N] [--faults SPEC] [--keep]` */
async function main(argv: string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const report = await runCrashHarness({
    cycles: Number(arg('cycles') ?? 20),
    seed: Number(arg('seed') ?? 1),
    cameras: Number(arg('cameras') ?? 12),
    ...(arg('batches') ? { batchesPerCamera: Number(arg('batches')) } : {}),
    ...(arg('faults') ? { faults: arg('faults')! } : {}),
    keepDataDir: argv.includes('--keep'),
    log: (l) => process.stdout.write(`${l}\n`),
  });
  process.stdout.write(`${formatCrashReport(report)}\n`);
  return report.verdict.mismatches.length === 0 && report.refused === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}

export { main as crashHarnessMain };
