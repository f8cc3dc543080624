import { fileURLToPath } from 'node:url';
import { bundleForCamera, type EdgeBundle } from '../bundle/buildBundle.ts';

/**
 * Node-only: the over-the-air agent as a bundle of its own (`dashnet-ota.js`), built as every
 * camera script is (`bundleForCamera`). The
 * updater is the camera's installer, not part of the per-frame pipeline: firmware loads it into
 * the same QuickJS context as the pipeline bundle (or runs it alone at boot), so the pipeline
 * bundle keeps its own size budget. It installs `dashnetEdge.ota` and, when the pipeline bundle
 * has not, `dashnetEdge.createPlatform`; the verified bytes reach the pipeline through its
 * consumers (`badasModelConsumer`, `conflictPriorsConsumer(pipeline.priors)`, the ISP profile).
 */
export async function buildOtaAgentBundle(): Promise<EdgeBundle> {
  return bundleForCamera({
    stdin: {
      contents: `import { otaApi } from './otaApi.ts';
        import { createQuickJsPlatform } from '../adapters/quickjs.ts';
        var api = globalThis.dashnetEdge || (globalThis.dashnetEdge = {});
        api.ota = otaApi;
        if (!api.createPlatform) api.createPlatform = createQuickJsPlatform;`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
  });
}
