import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { runAlertsScenario } from './testing/alertsScenario.ts';

/** Bundles the scenario the way the camera bundle is built (browser platform, ES2020, IIFE). */
async function bundleScenario(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: {
      contents: `import { runAlertsScenario } from './testing/alertsScenario.ts';
runAlertsScenario().then((r) => { globalThis.__result = JSON.stringify(r); },
  (e) => { globalThis.__result = 'error: ' + String(e && e.stack || e); });`,
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
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(result.metafile.inputs) };
}

describe('driver alerts on QuickJS', () => {
  it('give the same warnings inside QuickJS as on Node, with no Node built-ins or timers', async () => {
    const onNode = await runAlertsScenario();
    expect(onNode.warnings.map((w) => w.id)).toEqual(['ahead', 'both-ways']);
    expect(onNode.urls.length).toBeGreaterThan(1);

    const { code, inputs } = await bundleScenario();
    expect(inputs.filter((p) => p.startsWith('node:') || /node_modules\/zod\//.test(p))).toEqual([]);
    expect(code).not.toMatch(/\bsetTimeout\b|\bsetInterval\b|\brequire\(/);

    const qjs = await getQuickJS();
    const runtime = qjs.newRuntime();
    const vm = runtime.newContext();
    try {
      const r = vm.evalCode(code);
      if (r.error) throw new Error(JSON.stringify(vm.dump(r.error)));
      r.value.dispose();
      // Promises settle only when the host runs QuickJS's job queue.
      for (let i = 0; i < 10_000; i++) {
        const jobs = runtime.executePendingJobs();
        const n = jobs.unwrap();
        if (n === 0) break;
      }
      const out = vm.getProp(vm.global, '__result');
      const text = vm.dump(out) as string;
      out.dispose();
      expect(JSON.parse(text)).toEqual(onNode);
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  });
});
