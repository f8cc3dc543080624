import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { evalOrThrow } from '../../bundle/runInQuickJs.ts';
import { runPriorsScript } from './priorsScript.ts';

/**
 * The priors' camera code runs unmodified in QuickJS (no WebAssembly, no TextEncoder, no Node):
 * the tile bytes, the cell lookups and the alerts are identical there and on Node; the shifted
 * scores agree to within a few ulps, because Math.exp and Math.log are not correctly rounded in
 * either engine (V8's fdlibm port and QuickJS's libm differ in the last bit now and then). The
 * script is bundled the way the camera bundle is (esbuild, browser, ES2020).
 */
describe('conflict priors in QuickJS', () => {
  it('decodes a tile, looks cells up and shifts the monitor exactly as on Node', async () => {
    const entry = fileURLToPath(new URL('./priorsScript.ts', import.meta.url));
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      target: 'es2020',
      format: 'iife',
      globalName: '__priors',
      write: false,
      logLevel: 'silent',
      banner: { js: 'if(typeof console==="undefined"){globalThis.console={log(){},warn(){},error(){}};}' },
    });
    const qjs = await getQuickJS();
    const vm = qjs.newContext();
    try {
      evalOrThrow(vm, out.outputFiles[0]!.text);
      const quick = JSON.parse(evalOrThrow(vm, '__priors.runPriorsScript()') as string);
      const node = JSON.parse(runPriorsScript());
      expect(node.steps).toBeGreaterThan(100);
      expect(node.firstAlertS).not.toBeNull();
      expect(node.lookups[0]).not.toBeNull();
      expect(node.lookups[2]).toBeNull();
      expect(quick.bytes).toEqual(node.bytes);
      expect(quick.lookups).toEqual(node.lookups);
      expect(quick.firstAlertS).toBe(node.firstAlertS);
      const worst = node.scores.reduce(
        (m: number, s: number, k: number) => Math.max(m, Math.abs(quick.scores[k] - s)),
        0,
      );
      expect(worst).toBeLessThan(1e-12);
    } finally {
      vm.dispose();
    }
  }, 30_000);
});
