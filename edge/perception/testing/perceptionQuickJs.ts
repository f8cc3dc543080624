import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import type { PerceptionScenarioResult } from './perceptionScenario.ts';

/**
 * Bundles {@link runPerceptionScenario} as the camera bundle is built (esbuild, browser platform,
 * ES2020, IIFE) and runs it in QuickJS (quickjs-emscripten; QuickJS itself is WebAssembly on the
 * host, but the bundle inside sees plain QuickJS: no WebAssembly, no Node, no timers). Node-side
 * harness for the portability test and the bench.
 */
export async function runPerceptionScenarioInQuickJs(options: {
  seed: string;
  durationS: number;
  fps: number;
}): Promise<{ result: PerceptionScenarioResult; bundleInputs: string[]; code: string }> {
  const built = await build({
    stdin: {
      contents: `import { runPerceptionScenario } from './perceptionScenario.ts';
globalThis.__run = (json) => JSON.stringify(runPerceptionScenario({ ...JSON.parse(json), now: __hostNow }));`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = built.outputFiles[0]?.text ?? '';
  const qjs = await getQuickJS();
  const runtime = qjs.newRuntime();
  const vm = runtime.newContext();
  try {
    const now = vm.newFunction('__hostNow', () => vm.newNumber(performance.now()));
    vm.setProp(vm.global, '__hostNow', now);
    now.dispose();
    const loaded = vm.evalCode(code);
    if (loaded.error) throw new Error(`QuickJS: ${JSON.stringify(vm.dump(loaded.error))}`);
    loaded.value.dispose();
    const arg = vm.newString(JSON.stringify(options));
    vm.setProp(vm.global, '__args', arg);
    arg.dispose();
    const r = vm.evalCode('__run(__args)');
    if (r.error) throw new Error(`QuickJS: ${JSON.stringify(vm.dump(r.error))}`);
    const text = vm.dump(r.value) as string;
    r.value.dispose();
    return {
      result: JSON.parse(text) as PerceptionScenarioResult,
      bundleInputs: Object.keys(built.metafile.inputs),
      code,
    };
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}
