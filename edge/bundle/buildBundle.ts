import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { EdgeError } from '../core/errors.ts';

/**
 * Size budget of the camera artifact, gzipped. h3-js (asm.js) is ~62 KB of it; the pipeline
 * itself ~15 KB. A camera's OTA slot for the app is small and updates go over cellular.
 */
export const EDGE_BUNDLE_BUDGET_GZIP_KB = 100;

/** The built camera artifact. */
export interface EdgeBundle {
  code: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * h3-js logs through `console` at load; QuickJS has none. The shim is the bundle's, not the
 * pipeline's: core code never logs except through the injected Logger.
 */
const CONSOLE_SHIM = 'if(typeof console==="undefined"){globalThis.console={log(){},warn(){},error(){}};}';

/**
 * Bundles `edge/bundle/entry.ts` for a camera: esbuild, browser platform, ES2020, IIFE,
 * minified. Fails if zod or any `node:` module got in (both would mean a broken boundary).
 *
 * @throws EdgeError `BUNDLE_FAILED`
 */
export async function buildEdgeBundle(): Promise<EdgeBundle> {
  return bundleForCamera({ entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))] });
}

/**
 * Bundles an entry (a file, or `stdin` source) as every camera script is built: the options of
 * {@link buildEdgeBundle} and its boundary check. The OTA agent (`edge/ota/otaBundle.ts`) is one.
 *
 * @throws EdgeError `BUNDLE_FAILED`
 */
export async function bundleForCamera(
  entry: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
): Promise<EdgeBundle> {
  const result = await build({
    ...entry,
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    write: false,
    metafile: true,
    banner: { js: CONSOLE_SHIM },
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((p) => /node_modules\/zod\//.test(p) || p.startsWith('node:'));
  if (forbidden.length > 0)
    throw new EdgeError('BUNDLE_FAILED', `forbidden modules in edge bundle: ${forbidden.join(', ')}`);
  const file = result.outputFiles[0];
  if (!file) throw new EdgeError('BUNDLE_FAILED', 'esbuild produced no output');
  const code = file.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}
