import { readFile, writeFile } from 'node:fs/promises';
import { BadasError } from '../../edge/badas/badasError.ts';
import { createPortableBadasScorer } from '../../edge/badas/badasScorer.ts';
import { runBadasOnCsv } from '../../edge/badas/kinematicsCsv.ts';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { ArgsError, parseOptions } from './args.ts';

/**
 * `dashnet edge badas --in FILE [--out FILE]`: runs the camera's collision anticipation on
 * per-frame lead kinematics (`t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps`) and
 * writes `t,score,alert` per input row to `--out` or stdout. Runs the committed model on the
 * portable interpreter — the camera's own code path; onnxruntime-web gives the same scores
 * within 1e-5 (parity test).
 *
 * @returns 0 on success, 2 with a one-line reason on bad arguments or unreadable input
 */
export async function edgeBadasCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseOptions(argv, ['in', 'out']);
    const inPath = opts.get('in')?.at(-1);
    if (inPath === undefined) throw new ArgsError('--in FILE is required');
    let csv: string;
    try {
      csv = await readFile(inPath, 'utf8');
    } catch (err) {
      throw new ArgsError(`cannot read '${inPath}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const text = runBadasOnCsv(csv, createPortableBadasScorer(readBadasModel()));
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
