import { resolve } from 'node:path';
import type { LogFormat } from '../../functions/runtime/observability.ts';
import { HAZARD_RULE_NAMES, type HazardRuleName } from '../../lib/hazards/hazardRule.ts';
import { FaultSpecError, parseFaultSpec } from '../../local/faultProxy.ts';
import type { LocalStackHandle, LocalStackOptions } from '../../local/localStack.ts';
import { ArgsError, intOption, parseOptions } from './args.ts';

const DEFAULT_PORT = 8787;

/** Starts the local stack; stops it cleanly on SIGINT/SIGTERM, losing no accepted event. */
async function runStack(
  opts: LocalStackOptions,
  afterStart?: (stack: LocalStackHandle) => Promise<() => Promise<void>>,
) {
  const { startLocalStack } = await import('../../local/localStack.ts');
  const stack = await startLocalStack({ consumersYield: true, ...opts });
  const stopExtra = afterStart ? await afterStart(stack) : async () => {};
  await new Promise<void>((done) => {
    const shutdown = async (signal: string) => {
      process.stdout.write(`\n${signal}: stopping — draining the stream before exit…\n`);
      await stopExtra();
      await stack.stop();
      process.stdout.write('stopped; every accepted event is in the stream and checkpointed.\n');
      done();
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });
  return 0;
}

function commonOptions(argv: readonly string[], extra: readonly string[] = []) {
  const opts = parseOptions(argv, [
    'port',
    'data-dir',
    'min-cameras',
    'rule',
    'log-format',
    'faults',
    ...extra,
  ]);
  const rule = opts.get('rule')?.at(-1) ?? 'statistical';
  if (!(HAZARD_RULE_NAMES as readonly string[]).includes(rule)) {
    throw new ArgsError(`--rule must be one of ${HAZARD_RULE_NAMES.join(', ')}`);
  }
  // The functions' structured logs and metrics (Powertools), the same fields as on Lambda.
  const logFormat = opts.get('log-format')?.at(-1) ?? 'silent';
  if (logFormat !== 'json' && logFormat !== 'silent')
    throw new ArgsError('--log-format must be json or silent');
  // Fault injection between the functions and the emulators (local/faultProxy.ts), checked here
  // so a typo fails at once instead of at the first AWS call.
  const faults = opts.get('faults')?.at(-1);
  if (faults !== undefined) {
    try {
      parseFaultSpec(faults);
    } catch (err) {
      if (err instanceof FaultSpecError) throw new ArgsError(`--faults: ${err.message}`);
      throw err;
    }
  }
  return {
    opts,
    faults,
    port: intOption(opts, 'port', DEFAULT_PORT, 0, 65535),
    dataDir: resolve(opts.get('data-dir')?.at(-1) ?? '.dashnet'),
    hazardMinCameras: intOption(opts, 'min-cameras', 10, 1, 1000),
    hazardRule: rule as HazardRuleName,
    logFormat: logFormat as LogFormat,
  };
}

function fail(err: unknown, command: string): number {
  if (err instanceof ArgsError) {
    process.stderr.write(`dashnet ${command}: ${err.message}\n`);
    return 2;
  }
  throw err;
}

function printOperatorToken(stack: LocalStackHandle, dataDir: string): void {
  if (!process.env.DASHNET_OPERATOR_TOKEN) {
    process.stdout.write(`operator token: ${stack.operatorToken} (also in ${dataDir}/operator-token)\n`);
  }
}

/** Stack options shared by `serve` and `start`, with the live map wired in. */
async function stackWithMap(parsed: ReturnType<typeof commonOptions>) {
  const { mapExtra } = await import('./mapExtra.ts');
  const map = mapExtra();
  const options: LocalStackOptions = {
    port: parsed.port,
    dataDir: parsed.dataDir,
    hazardMinCameras: parsed.hazardMinCameras,
    hazardRule: parsed.hazardRule,
    logFormat: parsed.logFormat,
    ...(parsed.faults !== undefined ? { faults: parsed.faults } : {}),
    extra: map.extra,
    onAggregation: map.onAggregation,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  return { map, options };
}

/** `dashnet serve [--port N] [--data-dir D] [--faults SPEC]`: the local stack alone. */
export async function serveCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof commonOptions>;
  try {
    parsed = commonOptions(argv);
  } catch (err) {
    return fail(err, 'serve');
  }
  const { options } = await stackWithMap(parsed);
  return runStack(options, async (stack) => {
    process.stdout.write(`listening on ${stack.url}\n`);
    printOperatorToken(stack, parsed.dataDir);
    return async () => {};
  });
}

/** `dashnet start`: the local stack, a simulated fleet and the live map; prints each hazard raised. */
export async function startCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof commonOptions>;
  let cameras: number;
  let seed: number;
  try {
    parsed = commonOptions(argv, ['cameras', 'seed']);
    cameras = intOption(parsed.opts, 'cameras', 80, 1, 2000);
    seed = intOption(parsed.opts, 'seed', 1, 0, 2 ** 31);
  } catch (err) {
    return fail(err, 'start');
  }
  const { runFleet } = await import('./simulate.ts');
  const { watchHazards } = await import('./watchHazards.ts');
  const { EvidenceLog } = await import('../../sim/evidenceLog.ts');
  const { cameraDisplayId } = await import('../../sim/cameraNames.ts');
  const { evidenceRoute } = await import('../../local/mapRoutes.ts');
  const { map, options } = await stackWithMap(parsed);
  // The operator clicks a hazard on the map and sees its evidence: what the cameras detected,
  // what reached the stack, cell by cell and minute by minute.
  const evidence = new EvidenceLog();
  const mapExtraRoute = options.extra;
  options.extra = (stack) => {
    const base = mapExtraRoute?.(stack);
    const ev = evidenceRoute(() => (q) => evidence.evidence(q));
    return async (req, res, url) => (await ev(req, res, url)) || (base ? base(req, res, url) : false);
  };
  return runStack(options, async (stack) => {
    process.stdout.write(`listening on ${stack.url}\n`);
    process.stdout.write(`API:  ${stack.url}/v1/hazards?lat=40.4406&lng=-79.9959&radiusM=20000\n`);
    process.stdout.write(`map:  ${stack.url}/map/\n`);
    printOperatorToken(stack, parsed.dataDir);
    const fleet = await runFleet({
      apiUrl: stack.url,
      operatorToken: stack.operatorToken,
      cameras,
      seed,
      log: (line) => process.stdout.write(`${line}\n`),
      onDetection: (i, e) =>
        evidence.add({
          stage: 'device',
          camera: cameraDisplayId(i),
          type: e.type,
          ...('kind' in e ? { kind: String(e.kind) } : {}),
          tMs: e.tMs,
          lat: e.lat,
          lng: e.lng,
          headingDeg: e.headingDeg,
        }),
      onEvent: (raw, camera) => {
        const e = raw as {
          type: string;
          kind?: string;
          ts: string;
          lat: number;
          lng: number;
          heading?: number;
        };
        evidence.add({
          stage: 'uploaded',
          camera,
          type: e.type,
          ...(e.kind !== undefined ? { kind: e.kind } : {}),
          tMs: Date.parse(e.ts),
          lat: e.lat,
          lng: e.lng,
          ...(e.heading !== undefined ? { headingDeg: e.heading } : {}),
        });
      },
    });
    map.setCameras(() => fleet.cameras());
    process.stdout.write(
      `fleet: ${cameras} simulated cameras driving Pittsburgh (OSM, ODbL); each runs the camera pipeline (edge/) on simulated GPS and IMU\n`,
    );
    const watcher = watchHazards(stack.url, (line) => process.stdout.write(`${line}\n`));
    // Once the fleet has run a while, say what it costs and how many cameras this machine keeps real-time.
    const pace = setTimeout(() => {
      const p = fleet.stats().pace;
      if (p.realtimeCameras > 0)
        process.stdout.write(
          `fleet: ${p.cpuMsPerCameraMinute} ms of one core per camera per simulated minute; at that pace one core keeps ~${p.realtimeCameras} cameras real-time\n`,
        );
    }, 20_000);
    pace.unref();
    return async () => {
      clearTimeout(pace);
      watcher.stop();
      await fleet.stop();
    };
  });
}
