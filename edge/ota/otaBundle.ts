import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { EdgeBundle } from '../bundle/buildBundle.ts';

/**
 * Node-only: the over-the-air agent as a bundle of its own (`dashnet-ota.js`), built with the
 * options of `buildEdgeBundle` (browser platform, ES2020, IIFE, minified, console shim). The
 * updater is the camera's installer, not part of the per-frame pipeline: firmware loads it into
 * the same QuickJS context as the pipeline bundle (or runs it alone at boot), so the pipeline
 * bundle keeps its own size budget. It installs `dashnetEdge.ota` and, when the pipeline bundle
 * has not, `dashnetEdge.createPlatform`; the verified bytes reach the pipeline through its
 * consumers (`badasModelConsumer`, `conflictPriorsConsumer(pipeline.priors)`, the ISP profile).
 */
export async function buildOtaAgentBundle(): Promise<EdgeBundle> {
  const result = await build({
    stdin: {
      contents: `import { otaApi } from './otaApi.ts';
        import { createQuickJsPlatform } from '../adapters/quickjs.ts';
        var api = globalThis.dashnetEdge || (globalThis.dashnetEdge = {});
        api.ota = otaApi;
        if (!api.createPlatform) api.createPlatform = createQuickJsPlatform;`,
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
