import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { EdgeBundle } from '../bundle/buildBundle.ts';

/**
 * Node-only: the camera bundle with the updater installed as `dashnetEdge.ota`, built with the
 * options of `buildEdgeBundle` (browser platform, ES2020, IIFE, minified, console shim). For the
 * OTA QuickJS test and the bundle-cost figure until `edge/bundle/entry.ts` exports `ota` itself;
 * then `buildEdgeBundle()` is the one to use and this file goes.
 */
export async function buildEdgeBundleWithOta(): Promise<EdgeBundle> {
  const entry = fileURLToPath(new URL('../bundle/entry.ts', import.meta.url));
  const result = await build({
    stdin: {
      contents: `import ${JSON.stringify(entry)};
        import { otaApi } from './otaApi.ts';
        globalThis.dashnetEdge.ota = otaApi;`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    minify: true,
    write: false,
    banner: { js: 'if(typeof console==="undefined"){globalThis.console={log(){},warn(){},error(){}};}' },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}
