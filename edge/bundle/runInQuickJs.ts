import { getQuickJS, type QuickJSContext } from 'quickjs-emscripten';
import { EdgeError } from '../core/errors.ts';

/** The edge bundle loaded into a fresh QuickJS context (Node-side harness for tests and bench). */
export interface QuickJsEdge {
  /** `dashnetEdge.replay` inside QuickJS: the POST bodies, one per line. */
  replay(
    gpsCsv: string,
    imuCsv: string | undefined,
    options: { homes?: { lat: number; lng: number }[]; seed?: string },
  ): string;
  /** Pipeline-only run time inside QuickJS, ms. */
  timedReplay(gpsCsv: string, imuCsv: string): { runMs: number; batches: number };
  /** Heap bytes QuickJS holds now. */
  memoryUsedBytes(): number;
  dispose(): void;
}

/**
 * Evaluates the bundle in quickjs-emscripten (QuickJS compiled to WebAssembly *on the host*;
 * the bundle itself sees plain QuickJS: no WebAssembly, no Node, no timers).
 */
export async function loadBundleInQuickJs(code: string): Promise<QuickJsEdge> {
  const qjs = await getQuickJS();
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(1024 * 1024 * 1024);
  const vm = runtime.newContext();
  evalOrThrow(vm, code);
  const nowFn = vm.newFunction('__hostNow', () => vm.newNumber(performance.now()));
  vm.setProp(vm.global, '__hostNow', nowFn);
  nowFn.dispose();

  const setString = (name: string, value: string | undefined): void => {
    const h = value === undefined ? vm.null : vm.newString(value);
    vm.setProp(vm.global, name, h);
    if (value !== undefined) h.dispose();
  };
  return {
    replay(gpsCsv, imuCsv, options) {
      setString('__gps', gpsCsv);
      setString('__imu', imuCsv);
      setString('__opts', JSON.stringify(options));
      return evalOrThrow(vm, 'dashnetEdge.replay(__gps, __imu, __opts)') as string;
    },
    timedReplay(gpsCsv, imuCsv) {
      setString('__gps', gpsCsv);
      setString('__imu', imuCsv);
      return JSON.parse(evalOrThrow(vm, 'dashnetEdge.timedReplay(__gps, __imu, __hostNow)') as string) as {
        runMs: number;
        batches: number;
      };
    },
    memoryUsedBytes() {
      const m = evalOrThrow(vm, '0');
      void m;
      const usage = runtime.computeMemoryUsage();
      const dumped = vm.dump(usage) as { memory_used_size?: number };
      usage.dispose();
      return dumped.memory_used_size ?? 0;
    },
    dispose() {
      setString('__gps', undefined);
      setString('__imu', undefined);
      vm.dispose();
      runtime.dispose();
    },
  };
}

/**
 * Evaluates `code` in a QuickJS context and returns its value dumped to the host.
 *
 * @throws EdgeError `BUNDLE_FAILED` with QuickJS's message when the code throws
 */
export function evalOrThrow(vm: QuickJSContext, code: string): unknown {
  const r = vm.evalCode(code);
  if (r.error) {
    const err = vm.dump(r.error) as { message?: string; stack?: string };
    r.error.dispose();
    throw new EdgeError('BUNDLE_FAILED', `QuickJS: ${err.message || JSON.stringify(err)} ${err.stack ?? ''}`);
  }
  const v = vm.dump(r.value) as unknown;
  r.value.dispose();
  return v;
}
