import { readFile } from 'node:fs/promises';
import { decodeImage } from '../../edge/perception/adapters/decodeImage.ts';
import { loadVendoredDetector } from '../../edge/perception/adapters/vendoredDetector.ts';
import { toDetectionsJson } from '../../edge/perception/hostDetections.ts';
import { PerceptionError } from '../../edge/perception/perceptionError.ts';
import { ArgsError, parseOptions } from './args.ts';

function parseMinScore(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !(n >= 0 && n <= 1))
    throw new ArgsError(`--min-score must be in [0, 1], got '${raw}'`);
  return n;
}

/**
 * `dashnet edge detect --image FILE [--min-score S]`: runs the camera's object detector (the
 * vendored FastestDet in onnxruntime-web) on one JPEG or PNG and prints
 * `{ "detections": [{ "class", "score", "box": [x, y, w, h] }], "model" }` with boxes in pixels
 * of the original image (contract §1). `--min-score` overrides the camera's operating threshold.
 *
 * @returns 0 on success, 2 with a one-line reason on bad arguments or an unreadable image
 */
export async function edgeDetectCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseOptions(argv, ['image', 'min-score']);
    const path = opts.get('image')?.at(-1);
    if (path === undefined) throw new ArgsError('--image FILE is required');
    const minScore = parseMinScore(opts.get('min-score')?.at(-1));
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (err) {
      throw new ArgsError(`cannot read image '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const image = decodeImage(bytes);
    const detector = await loadVendoredDetector(minScore === undefined ? {} : { minScore });
    try {
      const detections = await detector.detect(image);
      process.stdout.write(`${JSON.stringify(toDetectionsJson(detections, detector.modelVersion))}\n`);
    } finally {
      await detector.release();
    }
    return 0;
  } catch (err) {
    if (err instanceof ArgsError || (err instanceof PerceptionError && err.code === 'BAD_IMAGE')) {
      process.stderr.write(`dashnet edge detect: ${err.message.replace(/\s+/g, ' ')}\n`);
      return 2;
    }
    throw err;
  }
}
