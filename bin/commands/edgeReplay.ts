import { readFile, writeFile } from 'node:fs/promises';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { EdgeError } from '../../edge/core/errors.ts';
import { createSeededRandom } from '../../edge/core/random.ts';
import type { DeclaredPlace } from '../../edge/edgeConfig.ts';
import { LocalRecord } from '../../edge/localRecord.ts';
import { DEFAULT_REPLAY_SEED, type ReplaySummary, replayLogs } from '../../edge/replay.ts';
import { ArgsError, parseOptions } from './args.ts';

function parsePlace(raw: string): DeclaredPlace {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
  const lat = Number(m?.[1]);
  const lng = Number(m?.[2]);
  if (!m || lat < -90 || lat > 90 || lng < -180 || lng > 180) {
    throw new ArgsError(`--home must be LAT,LNG in degrees, got '${raw}'`);
  }
  return { lat, lng };
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ArgsError(
      `cannot read ${what} log '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** One line for the user: what was detected, and whether the mount calibration converged. */
function describeSummary(s: ReplaySummary, hadImu: boolean): string {
  const found = Object.entries(s.detected)
    .map(([type, n]) => `${n} ${type}`)
    .join(', ');
  const c = s.calibration;
  const calibration = !hadImu
    ? 'no IMU log: GPS-only detection'
    : c.forwardReady && c.convergedAtMs !== undefined
      ? `mount calibrated ${Math.round((c.convergedAtMs - s.startMs) / 1000)} s in (yaw ±${c.yawSigmaDeg.toFixed(1)}°)`
      : `mount not calibrated (yaw ±${Number.isFinite(c.yawSigmaDeg) ? c.yawSigmaDeg.toFixed(0) : '?'}°): orientation-free and GPS detection`;
  const unplaced = s.unlocated > 0 ? `, ${s.unlocated} with no GPS fix to place them` : '';
  const { scored, skipped } = s.frames;
  const frames =
    scored + skipped === 0
      ? ''
      : `; BADAS scored ${scored} frames${skipped > 0 ? ` (${skipped} skipped: no GPS speed near their time)` : ''}`;
  return `dashnet edge replay: detected ${found || 'nothing'}${unplaced}; ${calibration}${frames}`;
}

async function writeOutput(path: string, text: string, what: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new ArgsError(`cannot write ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * `dashnet edge replay --gps FILE [--imu FILE] [--frames FILE] [--home LAT,LNG ...] [--out FILE]
 * [--record FILE] [--seed S]`: runs the camera pipeline on recorded logs and writes the
 * `POST /v1/telemetry` bodies it would send, one JSON per line, to `--out` or stdout; `--record`
 * also writes the device-local record (every located detection, unredacted, one event per line).
 * `--frames` adds per-frame lead kinematics (the `edge badas` CSV; relative `t` counts from the
 * first GPS fix), so BADAS runs with the logs' own ego speed and acceleration and its
 * `near_miss` / `badas_alert` appear in the bodies. Consent is taken as given (the user replays
 * their own log); `--seed` fixes every random draw, so the output is reproducible.
 *
 * @returns 0 on success, 2 with a one-line reason on bad arguments or unreadable input
 */
export async function edgeReplayCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseOptions(argv, ['gps', 'imu', 'frames', 'home', 'out', 'seed', 'record']);
    const gpsPath = opts.get('gps')?.at(-1);
    if (gpsPath === undefined) throw new ArgsError('--gps FILE is required');
    const imuPath = opts.get('imu')?.at(-1);
    const homes = (opts.get('home') ?? []).map(parsePlace);
    const gpsCsv = await readInput(gpsPath, 'GPS');
    const input: Parameters<typeof replayLogs>[0] = {
      gpsCsv,
      homes,
      seed: opts.get('seed')?.at(-1) ?? DEFAULT_REPLAY_SEED,
    };
    if (imuPath !== undefined) input.imuCsv = await readInput(imuPath, 'IMU');
    const framesPath = opts.get('frames')?.at(-1);
    if (framesPath !== undefined) {
      input.framesCsv = await readInput(framesPath, 'frames');
      input.badasModel = readBadasModel();
    }
    const recordPath = opts.get('record')?.at(-1);
    // Its own random stream: the uploaded bodies are the same with or without --record.
    const record =
      recordPath === undefined ? undefined : new LocalRecord(createSeededRandom(`${input.seed}:record`));
    if (record) input.recorder = record;
    input.onSummary = (summary) =>
      process.stderr.write(`${describeSummary(summary, imuPath !== undefined)}\n`);
    const bodies = replayLogs(input);
    if (record && recordPath !== undefined) {
      await writeOutput(
        recordPath,
        record.lines.length === 0 ? '' : `${record.lines.join('\n')}\n`,
        'record',
      );
    }
    const text = bodies.length === 0 ? '' : `${bodies.join('\n')}\n`;
    const out = opts.get('out')?.at(-1);
    if (out === undefined) process.stdout.write(text);
    else await writeOutput(out, text, 'output');
    return 0;
  } catch (err) {
    if (err instanceof ArgsError || err instanceof EdgeError) {
      process.stderr.write(`dashnet edge replay: ${err.message.replace(/\s+/g, ' ')}\n`);
      return 2;
    }
    throw err;
  }
}
