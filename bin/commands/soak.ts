/**
 * `dashnet soak --minutes N` — steady simulated load against the local stack (or any stack with
 * `--api`), sampled at a fixed interval: memory, the stream consumers' iterator age, open
 * handles and the data directory's size. It prints the series and a verdict from least-squares
 * slopes (lib/ops/trend.ts) against stated bounds. This file is the I/O shell: it owns the
 * clock, the process probes and the stack; the statistics are pure.
 */
import { fork } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitTrend, type Trend, type TrendVerdict, trendVerdict } from '../../lib/ops/trend.ts';
import { ArgsError, intOption, parseOptions } from './args.ts';
import { type FleetHandle, runFleet } from './simulate.ts';

/** One sample of a soak run. */
export interface SoakSample {
  elapsedS: number;
  /**
   * Resident set of the stack's process (HTTP handlers, the stream consumers' worker thread,
   * background jobs), MB; NaN for a remote stack (`--api`), whose process the soak cannot see.
   */
  rssMb: number;
  /** Lowest main-thread heap in use of the stack since the previous sample (after GC), MB. */
  heapFloorMb: number;
  /**
   * Resident set of the Kinesis and DynamoDB emulators' process, MB (informational: on AWS they
   * are managed services; NaN for a remote stack).
   */
  emulatorRssMb: number;
  /** `iteratorAgeMs` of `GET /v1/ops/stats`; NaN when the stats did not answer. */
  iteratorAgeMs: number;
  /** `process.getActiveResourcesInfo().length` of the stack's process: sockets, timers, files. */
  handles: number;
  /** Size of the data directory, MB; NaN when there is none to measure (remote stack). */
  dataDirMb: number;
  /** Events accepted and processed since start (ops stats). */
  accepted: number;
  processed: number;
}

/**
 * Bounds of the verdict. Over a two-hour soak, 20 MB/h of RSS is 40 MB: within GC and
 * allocator noise for a process of ~300 MB, while a per-request leak at the soak's rate shows
 * as hundreds. The heap floor (post-GC) is less noisy, so its bound is tighter. An iterator age
 * growing by a second per hour means the consumers fall behind the offered load. Handles:
 * a socket or timer leaked per batch shows as thousands per hour; 60/h tolerates pools.
 */
export const SOAK_BOUNDS = {
  rssMbPerH: 20,
  heapFloorMbPerH: 10,
  iteratorAgeMsPerH: 1000,
  handlesPerH: 60,
  /**
   * The data directory may grow only in proportion to what was accepted (nothing expires within
   * a soak: the shortest retention of a growing table is 48 h). Growth per accepted event in
   * the second half of the run may be at most this multiple of the first half's (LevelDB logs
   * and compactions make it lumpy); more means something grows beyond the data, e.g. a log.
   */
  dataDirGrowthRatio: 2,
  /** Below this growth (MB) in the second half, the data directory counts as flat. */
  dataDirSlackMb: 8,
  /**
   * Growth is only called on at least this much measured time: caches, pools and JIT fill for
   * minutes after start, a concave curve that a short line extrapolates to "hundreds of MB/h".
   * Shorter runs report their slopes but can say only flat or inconclusive.
   */
  minGrowthSpanS: 600,
} as const;

/** The verdict of one series. */
export interface SoakCheck {
  name: 'rss' | 'heapFloor' | 'iteratorAge' | 'handles' | 'dataDir' | 'emulatorRss';
  /** Reported, but not part of the overall verdict (the emulators are not dashnet's code). */
  informational?: boolean;
  verdict: TrendVerdict;
  /** Slope per hour (MB/h, ms/h, handles/h) with its 95 % half-interval; data dir: MB/h. */
  perH: number;
  ci95PerH: number;
  bound: string;
  detail: string;
}

/** What a soak run measured and concluded. */
export interface SoakReport {
  samples: SoakSample[];
  checks: SoakCheck[];
  verdict: TrendVerdict;
  warmupS: number;
  fleet: { batchesSent: number; accepted: number; dropped: number; retries: number };
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  minutes: number;
  sampleS: number;
  cameras: number;
  seed: number;
  /**
   * Sim minutes per wall minute, steady for the whole run (default 1: real time). Sim time
   * starts `(speedup − 1) × minutes` in the past, so it reaches the wall clock only as the run
   * ends: a constant offered load without a catch-up burst. Events stay well within the
   * contract's 7-day past limit (checked by the command).
   */
  speedup?: number;
  /** A running stack; the local stack is started (on `dataDir` or a temp dir) when absent. */
  apiUrl?: string;
  operatorToken?: string;
  dataDir?: string;
  /** Samples before this are left out of the slopes (JIT, caches, pools filling); default min(10 min, a quarter of the run). */
  warmupS?: number;
  log?: (line: string) => void;
}

const MB = 1024 * 1024;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return Number.NaN;
  }
  for (const rel of entries) {
    try {
      const s = await stat(join(dir, rel));
      if (s.isFile()) total += s.size;
    } catch {
      // compacted away between readdir and stat
    }
  }
  return total;
}

async function opsStats(
  apiUrl: string,
  token: string,
): Promise<{ iteratorAgeMs: number; accepted: number; processed: number }> {
  try {
    const res = await fetch(`${apiUrl}/v1/ops/stats`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { iteratorAgeMs?: number; accepted?: number; processed?: number };
    return {
      iteratorAgeMs: Number(body.iteratorAgeMs ?? Number.NaN),
      accepted: Number(body.accepted ?? Number.NaN),
      processed: Number(body.processed ?? Number.NaN),
    };
  } catch {
    return { iteratorAgeMs: Number.NaN, accepted: Number.NaN, processed: Number.NaN };
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function slopeCheck(
  name: SoakCheck['name'],
  samples: readonly SoakSample[],
  value: (s: SoakSample) => number,
  boundPerH: number,
  unit: string,
): SoakCheck {
  const pts = samples.filter((s) => Number.isFinite(value(s)));
  if (pts.length < 3) {
    return {
      name,
      verdict: 'inconclusive',
      perH: Number.NaN,
      ci95PerH: Number.NaN,
      bound: `≤ ${boundPerH} ${unit}/h`,
      // Not measurable here at all (a remote stack's process): left out of the verdict.
      ...(pts.length === 0 ? { informational: true } : {}),
      detail: pts.length === 0 ? 'not measured' : `${pts.length} usable samples; three or more are needed`,
    };
  }
  const trend: Trend = fitTrend(
    pts.map((s) => s.elapsedS / 3600),
    pts.map(value),
  );
  return {
    name,
    verdict: trendVerdict(trend, boundPerH),
    perH: round(trend.slope),
    ci95PerH: round(trend.slopeCi95),
    bound: `≤ ${boundPerH} ${unit}/h`,
    detail: `${round(trend.slope)} ± ${round(trend.slopeCi95)} ${unit}/h over ${pts.length} samples`,
  };
}

/**
 * Data-directory growth against what retention allows: nothing expires within a soak, so the
 * stores may grow only in proportion to the accepted events. Compares MB per 1,000 accepted
 * events in the second half of the measured samples with the first half.
 */
function dataDirCheck(samples: readonly SoakSample[]): SoakCheck {
  const pts = samples.filter((s) => Number.isFinite(s.dataDirMb) && Number.isFinite(s.accepted));
  const base = {
    name: 'dataDir' as const,
    bound: `growth per accepted event ≤ ${SOAK_BOUNDS.dataDirGrowthRatio}× the first half's`,
  };
  if (pts.length < 3) {
    return {
      ...base,
      verdict: 'inconclusive',
      perH: Number.NaN,
      ci95PerH: Number.NaN,
      detail: pts.length === 0 ? 'not measured' : `${pts.length} usable samples; three or more are needed`,
      ...(pts.length === 0 ? { informational: true } : {}),
    };
  }
  const trend = fitTrend(
    pts.map((s) => s.elapsedS / 3600),
    pts.map((s) => s.dataDirMb),
  );
  const first = pts[0]!;
  const mid = pts[Math.floor(pts.length / 2)]!;
  const last = pts.at(-1)!;
  const perK = (a: SoakSample, b: SoakSample) =>
    b.accepted > a.accepted ? ((b.dataDirMb - a.dataDirMb) / (b.accepted - a.accepted)) * 1000 : Number.NaN;
  const firstHalf = perK(first, mid);
  const secondHalf = perK(mid, last);
  const secondGrowthMb = last.dataDirMb - mid.dataDirMb;
  let verdict: TrendVerdict;
  if (secondGrowthMb <= SOAK_BOUNDS.dataDirSlackMb) verdict = 'flat';
  else if (!Number.isFinite(firstHalf) || !Number.isFinite(secondHalf) || firstHalf <= 0)
    verdict = 'inconclusive';
  else verdict = secondHalf <= SOAK_BOUNDS.dataDirGrowthRatio * firstHalf ? 'flat' : 'growing';
  return {
    ...base,
    verdict,
    perH: round(trend.slope),
    ci95PerH: round(trend.slopeCi95),
    detail:
      `${round(trend.slope)} MB/h; ${round(firstHalf, 3)} then ${round(secondHalf, 3)} MB per 1,000 accepted events ` +
      `(+${round(secondGrowthMb)} MB in the second half)`,
  };
}

/** The verdicts of a run's samples (those after the warm-up). */
export function soakChecks(samples: readonly SoakSample[], warmupS: number): SoakCheck[] {
  const measured = samples.filter((s) => s.elapsedS >= warmupS);
  const spanS = measured.length > 1 ? measured.at(-1)!.elapsedS - measured[0]!.elapsedS : 0;
  const checks = [
    slopeCheck('rss', measured, (s) => s.rssMb, SOAK_BOUNDS.rssMbPerH, 'MB'),
    slopeCheck('heapFloor', measured, (s) => s.heapFloorMb, SOAK_BOUNDS.heapFloorMbPerH, 'MB'),
    slopeCheck('iteratorAge', measured, (s) => s.iteratorAgeMs, SOAK_BOUNDS.iteratorAgeMsPerH, 'ms'),
    slopeCheck('handles', measured, (s) => s.handles, SOAK_BOUNDS.handlesPerH, 'handles'),
    dataDirCheck(measured),
    {
      ...slopeCheck('emulatorRss', measured, (s) => s.emulatorRssMb, SOAK_BOUNDS.rssMbPerH, 'MB'),
      informational: true,
    },
  ];
  if (spanS >= SOAK_BOUNDS.minGrowthSpanS) return checks;
  return checks.map((c) =>
    c.verdict === 'growing'
      ? {
          ...c,
          verdict: 'inconclusive',
          detail: `${c.detail}; only ${Math.round(spanS)} s measured, growth is called from ${SOAK_BOUNDS.minGrowthSpanS} s`,
        }
      : c,
  );
}

/** `growing` when any check grows, `flat` when every check is flat, else `inconclusive`. */
export function overallVerdict(checks: readonly SoakCheck[]): TrendVerdict {
  const counted = checks.filter((c) => !c.informational);
  if (counted.some((c) => c.verdict === 'growing')) return 'growing';
  return counted.every((c) => c.verdict === 'flat') ? 'flat' : 'inconclusive';
}

/** Formats one sample as a line of the printed series. */
export function sampleLine(s: SoakSample): string {
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  return [
    `${f(s.elapsedS / 60, 2).padStart(7)} min`,
    `rss ${f(s.rssMb).padStart(7)} MB`,
    `heap floor ${f(s.heapFloorMb).padStart(6)} MB`,
    `iterator age ${f(s.iteratorAgeMs, 0).padStart(6)} ms`,
    `handles ${f(s.handles, 0).padStart(4)}`,
    `emulators ${f(s.emulatorRssMb).padStart(7)} MB`,
    `data ${f(s.dataDirMb, 2).padStart(8)} MB`,
    `accepted ${Number.isFinite(s.accepted) ? s.accepted : '-'}`,
    `processed ${Number.isFinite(s.processed) ? s.processed : '-'}`,
  ].join('  ');
}

interface HostProcess<Ready> {
  ready: Ready;
  sample(): Promise<{ rssMb: number; heapFloorMb: number; handles: number }>;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Forks `soakStackHost.ts` in a role (the emulators, or the stack on them): what is sampled is
 * then one component alone, not the simulated fleet that runs in this process.
 */
async function forkHost<Ready>(args: string[]): Promise<HostProcess<Ready>> {
  const child = fork(fileURLToPath(new URL('./soakStackHost.ts', import.meta.url)), args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`soak host ${args[0]} did not start within 120 s`));
    }, 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`soak host ${args[0]} exited with ${code}: ${stderr.trim()}`));
    });
    child.on('message', (msg: { type: string }) => {
      if (msg.type !== 'ready') return;
      clearTimeout(timer);
      resolve(msg as Ready);
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const sample = () =>
    new Promise<{ rssMb: number; heapFloorMb: number; handles: number }>((resolve) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        resolve({ rssMb: Number.NaN, heapFloorMb: Number.NaN, handles: Number.NaN });
      }, 10_000);
      const onMessage = (msg: {
        type: string;
        rssBytes: number;
        heapFloorBytes: number;
        handles: number;
      }) => {
        if (msg.type !== 'sample') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({
          rssMb: round(msg.rssBytes / MB),
          heapFloorMb: round(msg.heapFloorBytes / MB),
          handles: msg.handles,
        });
      };
      child.on('message', onMessage);
      child.send({ type: 'sample' });
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  return { ready, sample, stop };
}

/**
 * Runs a soak: starts the local stack unless `apiUrl` is given, drives `cameras` simulated
 * cameras in real time (sim time = wall time, so the offered load is steady, no catch-up
 * burst), samples every `sampleS` seconds for `minutes`, stops everything it started.
 */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => {});
  let stop = async () => {};
  let probe = async () => ({
    rssMb: Number.NaN,
    heapFloorMb: Number.NaN,
    handles: Number.NaN,
    emulatorRssMb: Number.NaN,
  });
  let apiUrl = opts.apiUrl;
  let operatorToken = opts.operatorToken;
  let dataDir = opts.dataDir;
  let tempDir: string | undefined;
  if (!apiUrl) {
    if (!dataDir) {
      tempDir = await mkdtemp(join(tmpdir(), 'dashnet-soak-'));
      dataDir = tempDir;
    }
    const emulators = await forkHost<{ endpoints: { kinesis: string; dynamodb: string } }>([
      'emulators',
      dataDir,
    ]);
    let stack: HostProcess<{ url: string; operatorToken: string }>;
    try {
      stack = await forkHost(['stack', dataDir, JSON.stringify(emulators.ready.endpoints)]);
    } catch (err) {
      await emulators.stop();
      throw err;
    }
    apiUrl = stack.ready.url;
    operatorToken = stack.ready.operatorToken;
    // The stack first: it drains the stream into the emulators before they close.
    stop = async () => {
      await stack.stop();
      await emulators.stop();
    };
    probe = async () => {
      const [s, e] = await Promise.all([stack.sample(), emulators.sample()]);
      return { ...s, emulatorRssMb: e.rssMb };
    };
    log(`soak: local stack at ${apiUrl} (its own process; the emulators in another), data in ${dataDir}`);
  }
  if (!operatorToken) throw new ArgsError('an operator token is required with --api');

  const samples: SoakSample[] = [];
  let fleet: FleetHandle | undefined;
  const startMs = Date.now();
  try {
    fleet = await runFleet({
      apiUrl,
      operatorToken,
      cameras: opts.cameras,
      seed: opts.seed,
      // A constant pace from start to end: see SoakOptions.speedup.
      startOffsetMs: ((opts.speedup ?? 1) - 1) * opts.minutes * 60_000,
      speedup: opts.speedup ?? 1,
      log,
    });
    const endMs = startMs + opts.minutes * 60_000;
    for (let next = startMs + opts.sampleS * 1000; next <= endMs + 1; next += opts.sampleS * 1000) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      const [proc, stats] = await Promise.all([probe(), opsStats(apiUrl, operatorToken)]);
      const sample: SoakSample = {
        elapsedS: round((Date.now() - startMs) / 1000, 1),
        ...proc,
        iteratorAgeMs: stats.iteratorAgeMs,
        dataDirMb: dataDir ? round((await dirBytes(dataDir)) / MB, 3) : Number.NaN,
        accepted: stats.accepted,
        processed: stats.processed,
      };
      samples.push(sample);
      log(sampleLine(sample));
    }
  } finally {
    await fleet?.stop();
    await stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
  const runS = opts.minutes * 60;
  // Caches, connection pools, LevelDB and the allocator settle for ~10 minutes (20-minute runs
  // of 40 cameras: the stack's RSS rose for 12 minutes, then stayed within ±2 MB).
  const warmupS = opts.warmupS ?? Math.min(600, Math.round(runS * 0.25));
  const checks = soakChecks(samples, warmupS);
  const send = fleet.stats().send;
  return {
    samples,
    checks,
    verdict: overallVerdict(checks),
    warmupS,
    fleet: {
      batchesSent: send.batchesSent,
      accepted: send.accepted,
      dropped: send.dropped,
      retries: send.retries,
    },
  };
}

const USAGE =
  'usage: dashnet soak --minutes N [--sample-s S] [--cameras N] [--speedup X] [--seed S] [--api URL --operator-token T] [--data-dir D]';

/**
 * `dashnet soak --minutes N [--sample-s S] [--cameras N] [--speedup X] [--seed S] [--api URL] [--data-dir D]`.
 * Exit 0 when the verdict is flat or inconclusive (it says which, and why), 1 when a series
 * grows beyond its bound, 2 on bad arguments.
 */
export async function soakCommand(
  argv: string[],
  io: { log?: (line: string) => void; err?: (line: string) => void } = {},
): Promise<number> {
  const log = io.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let options: SoakOptions;
  try {
    const opts = parseOptions(argv, [
      'minutes',
      'sample-s',
      'cameras',
      'speedup',
      'seed',
      'api',
      'operator-token',
      'data-dir',
    ]);
    const minutesRaw = opts.get('minutes')?.at(-1);
    const minutes = Number(minutesRaw);
    if (minutesRaw === undefined || !Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
      throw new ArgsError('--minutes N (0 < N ≤ 1440) is required');
    const sampleS = intOption(opts, 'sample-s', 60, 1, 3600);
    if (sampleS * 3 > minutes * 60)
      throw new ArgsError('--sample-s must leave at least three samples in --minutes');
    const speedup = intOption(opts, 'speedup', 1, 1, 60);
    // Sim time starts (speedup − 1) × minutes back; keep every event a day inside the 7-day limit.
    if ((speedup - 1) * minutes > 6 * 24 * 60)
      throw new ArgsError('--speedup × --minutes reaches back more than 6 days; lower one of them');
    const api = opts.get('api')?.at(-1);
    if (api !== undefined && !/^https?:\/\//.test(api)) throw new ArgsError('--api must be an http(s) URL');
    const operatorToken = opts.get('operator-token')?.at(-1) ?? process.env.DASHNET_OPERATOR_TOKEN;
    if (api && !operatorToken)
      throw new ArgsError('--api needs an operator token: --operator-token T or DASHNET_OPERATOR_TOKEN');
    const dataDir = opts.get('data-dir')?.at(-1);
    options = {
      minutes,
      sampleS,
      cameras: intOption(opts, 'cameras', 40, 1, 5000),
      speedup,
      seed: intOption(opts, 'seed', 1, 0, 2 ** 32 - 1),
      log,
      ...(api ? { apiUrl: api.replace(/\/+$/, '') } : {}),
      ...(operatorToken ? { operatorToken } : {}),
      ...(dataDir ? { dataDir } : {}),
    };
  } catch (e) {
    if (e instanceof ArgsError) {
      err(`dashnet soak: ${e.message} (${USAGE})`);
      return 2;
    }
    throw e;
  }
  if (options.apiUrl) {
    log(
      'soak: remote stack — its memory and handles are not visible from here (only iterator age); ' +
        'the data directory is measured only with --data-dir',
    );
  }
  const report = await runSoak(options);
  log(
    `soak: ${report.fleet.batchesSent} batches, ${report.fleet.accepted} events accepted, ` +
      `${report.fleet.dropped} batches dropped, ${report.fleet.retries} retries; slopes after a ${report.warmupS} s warm-up:`,
  );
  for (const c of report.checks)
    log(`  ${c.name.padEnd(12)} ${c.verdict.padEnd(12)} ${c.detail} (bound ${c.bound})`);
  log(`soak verdict: ${report.verdict}${report.verdict === 'inconclusive' ? ' (run longer to tell)' : ''}`);
  return report.verdict === 'growing' ? 1 : 0;
}
