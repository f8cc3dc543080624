import { getQuickJS, type QuickJSContext } from 'quickjs-emscripten';
import { BadasError } from './badasError.ts';

/** The BADAS model running inside QuickJS, driven from Node (tests and bench). */
export interface QuickJsBadas {
  /** Scores feature vectors inside QuickJS with the portable interpreter. */
  score(features: readonly Float32Array[]): number[];
  /** `dashnetEdge.badas.runBadasOnCsv` inside QuickJS. */
  runCsv(csv: string): string;
  /** Mean time of one `score` call inside QuickJS over `reps` calls, µs (host clock). */
  timeScoreUs(features: Float32Array, reps: number): number;
  dispose(): void;
}

function evalOrThrow(vm: QuickJSContext, code: string): unknown {
  const r = vm.evalCode(code);
  if (r.error) {
    const err = vm.dump(r.error) as { message?: string };
    r.error.dispose();
    throw new BadasError('BAD_MODEL', `QuickJS: ${err.message ?? JSON.stringify(err)}`);
  }
  const v = vm.dump(r.value) as unknown;
  r.value.dispose();
  return v;
}

/**
 * Node-only harness: evaluates the camera bundle (`buildEdgeBundle().code`) in a fresh QuickJS
 * context (quickjs-emscripten: QuickJS is WebAssembly on the host, but the bundle sees plain
 * QuickJS — no WebAssembly, no Node) and opens the model from the `.onnx` bytes there.
 */
export async function loadBadasInQuickJs(bundleCode: string, onnxBytes: Uint8Array): Promise<QuickJsBadas> {
  const qjs = await getQuickJS();
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(256 * 1024 * 1024);
  const vm = runtime.newContext();
  evalOrThrow(vm, bundleCode);
  const copy = onnxBytes.slice();
  const buf = vm.newArrayBuffer(copy.buffer);
  vm.setProp(vm.global, '__badasModel', buf);
  buf.dispose();
  const now = vm.newFunction('__hostNow', () => vm.newNumber(performance.now()));
  vm.setProp(vm.global, '__hostNow', now);
  now.dispose();
  evalOrThrow(
    vm,
    'globalThis.__badas = dashnetEdge.badas.createPortableBadasScorer(new Uint8Array(__badasModel)); 0',
  );
  const setString = (name: string, value: string): void => {
    const h = vm.newString(value);
    vm.setProp(vm.global, name, h);
    h.dispose();
  };
  return {
    score(features) {
      setString('__x', JSON.stringify(features.map((f) => Array.from(f))));
      const out = evalOrThrow(
        vm,
        'JSON.stringify(JSON.parse(__x).map(function (x) { return __badas.score(new Float32Array(x)); }))',
      );
      return JSON.parse(out as string) as number[];
    },
    runCsv(csv) {
      setString('__csv', csv);
      return evalOrThrow(
        vm,
        'dashnetEdge.badas.runBadasOnCsv(__csv, dashnetEdge.badas.createPortableBadasScorer(new Uint8Array(__badasModel)))',
      ) as string;
    },
    timeScoreUs(features, reps) {
      setString('__x1', JSON.stringify(Array.from(features)));
      const ms = evalOrThrow(
        vm,
        `(function () { var x = new Float32Array(JSON.parse(__x1)); var s = 0; __badas.score(x);
          var t0 = __hostNow(); for (var i = 0; i < ${reps}; i++) s += __badas.score(x);
          return __hostNow() - t0; })()`,
      ) as number;
      return (ms * 1000) / reps;
    },
    dispose() {
      vm.dispose();
      runtime.dispose();
    },
  };
}
