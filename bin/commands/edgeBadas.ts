import { readFile, writeFile } from 'node:fs/promises';
import { BadasError } from '../../edge/badas/badasError.ts';
import { type BadasScorer, createPortableBadasScorer } from '../../edge/badas/badasScorer.ts';
import { BadasFeatureWindow } from '../../edge/badas/features.ts';
import { parseKinematicsCsv, runBadasOnCsv } from '../../edge/badas/kinematicsCsv.ts';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { createOrtBadasSession } from '../../edge/badas/ortBadasScorer.ts';
import { ArgsError, parseOptions } from './args.ts';

/**
 * The model in onnxruntime-web, scoring the whole file in one batch; handed to the monitor as a
 * scorer that replays those scores in frame order (the monitor asks once per frame, in order).
 */
async function ortScorer(csv: string, bytes: Uint8Array): Promise<BadasScorer> {
  const window = new BadasFeatureWindow();
  const features = parseKinematicsCsv(csv).map((r) => window.push(r.frame));
  const session = await createOrtBadasSession(bytes);
  try {
    const scores = await session.scoreBatch(features);
    let next = 0;
    return {
      modelVersion: session.modelVersion,
      operatingPoint: session.operatingPoint,
      score: () => scores[next++] ?? 0,
    };
  } finally {
    await session.release();
  }
}

/**
 * `dashnet edge badas --in FILE [--out FILE] [--runtime portable|ort]`: runs the camera's
 * collision anticipation on per-frame lead kinematics
 * (`t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps`) and writes `t,score,alert` per
 * input row to `--out` or stdout. `portable` (default) is the camera's own code path, the
 * TypeScript interpreter; `ort` runs the same `.onnx` in onnxruntime-web (WebAssembly), equal
 * within 1e-5 (parity test).
 *
 * @returns 0 on success, 2 with a one-line reason on bad arguments or unreadable input
 */
export async function edgeBadasCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseOptions(argv, ['in', 'out', 'runtime']);
    const runtime = opts.get('runtime')?.at(-1) ?? 'portable';
    if (runtime !== 'portable' && runtime !== 'ort')
      throw new ArgsError(`--runtime must be portable or ort, got '${runtime}'`);
    const inPath = opts.get('in')?.at(-1);
    if (inPath === undefined) throw new ArgsError('--in FILE is required');
    let csv: string;
    try {
      csv = await readFile(inPath, 'utf8');
    } catch (err) {
      throw new ArgsError(`cannot read '${inPath}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const bytes = readBadasModel();
    const scorer = runtime === 'ort' ? await ortScorer(csv, bytes) : createPortableBadasScorer(bytes);
    const text = runBadasOnCsv(csv, scorer);
    const out = opts.get('out')?.at(-1);
    if (out === undefined) process.stdout.write(text);
    else await writeFile(out, text);
    return 0;
  } catch (err) {
    if (err instanceof ArgsError || err instanceof BadasError) {
      process.stderr.write(`dashnet edge badas: ${err.message.replace(/\s+/g, ' ')}\n`);
      return 2;
    }
    throw err;
  }
}
