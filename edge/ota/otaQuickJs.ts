import { getQuickJS } from 'quickjs-emscripten';
import { BADAS_FEATURE_COUNT } from '../badas/features.ts';
import type { OtaBootReport, OtaOutcome } from './updater.ts';

/**
 * Node-only harness: the camera bundles (with `dashnetEdge.ota`) in a fresh QuickJS context,
 * driven the way camera firmware would drive it: a host object of plain functions (storage, a
 * clock, `send` for the offer, a base64 byte fetch), the updater built from `createPlatform`,
 * the real BADAS consumer. The "server" is two strings the Node side sets: the offer JSON and
 * the bytes in base64. Flash (`storage`) survives {@link OtaInQuickJs.reboot}, like a camera's.
 */
export interface OtaInQuickJs {
  /** What the API answers: an offer (JSON text) and its bytes (base64), or 204 when `offerJson` is null. */
  serve(offerJson: string | null, bytesBase64: string): void;
  /** A new updater on the same flash (a reboot); returns what `boot()` reported. */
  reboot(): OtaBootReport[];
  /** `checkNow('model')` inside QuickJS. */
  check(): OtaOutcome;
  /** The BADAS scorer the consumer holds: its model version and a score of an all-zero feature vector. */
  scorer(): { modelVersion: string; score: number } | null;
  /** Flash keys and values as QuickJS stored them. */
  flash(): Record<string, string>;
  /** Overwrites one flash value (bit rot, a torn page) behind the updater's back. */
  writeFlash(key: string, value: string): void;
  /** Milliseconds QuickJS took for `reboot` (boot re-verification) and `check` (verify, write, read back). */
  time<T>(f: () => T): { value: T; ms: number };
  dispose(): void;
}

const SCRIPT = `
var __flash = {};
var __offer = null;
var __bytes = '';
var __now = 1764547200000;
var __cam = null;
var __host = {
  nowMs: function () { return __now; },
  randomSeed: 'qjs-camera',
  storageGet: function (k) { return Object.prototype.hasOwnProperty.call(__flash, k) ? __flash[k] : undefined; },
  storageSet: function (k, v) { __flash[k] = v; },
  storageDelete: function (k) { delete __flash[k]; },
  log: function () {},
  send: function (url, headersJson, body, method) {
    var ok = __offer !== null && url.indexOf('/v1/models/current') >= 0 && method === 'GET';
    return Promise.resolve(JSON.stringify(ok ? { status: 200, headers: {}, body: __offer } : { status: 204, headers: {}, body: '' }));
  }
};
function __boot() {
  var ota = dashnetEdge.ota;
  var p = dashnetEdge.createPlatform(__host);
  var badas = ota.badasModelConsumer();
  var updater = new ota.OtaUpdater({
    clock: p.clock, random: p.random, storage: p.storage, logger: p.logger, transport: p.transport,
    fetchBytes: ota.base64ByteFetch(function (url, headersJson) {
      return Promise.resolve(JSON.stringify({ status: 200, headers: {}, body: __bytes }));
    }),
    releaseKeys: [ota.fromHex(__releaseKeyHex)],
    consumers: { model: badas }
  }, Object.assign({}, ota.DEFAULT_OTA_UPDATER, {
    apiUrl: 'https://api.example.test', deviceToken: 'device-secret', cameraModel: 'cm-a', firmware: '2.0.0'
  }));
  __cam = { updater: updater, badas: badas };
  return JSON.stringify(updater.boot());
}
`;

/**
 * Loads `bundleCode` (the pipeline bundle and the OTA agent, `buildOtaAgentBundle`, or the agent
 * alone) into QuickJS with `releaseKeyHex` pinned.
 */
export async function loadOtaInQuickJs(bundleCode: string, releaseKeyHex: string): Promise<OtaInQuickJs> {
  const qjs = await getQuickJS();
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(256 * 1024 * 1024);
  const vm = runtime.newContext();
  const evalValue = (code: string): unknown => {
    const r = vm.evalCode(code);
    if (r.error) {
      const e = vm.dump(r.error) as { message?: string; stack?: string };
      r.error.dispose();
      throw new Error(`QuickJS: ${e.message ?? JSON.stringify(e)} ${e.stack ?? ''}`);
    }
    const v = vm.dump(r.value) as unknown;
    r.value.dispose();
    return v;
  };
  const setString = (name: string, value: string | null): void => {
    const h = value === null ? vm.null : vm.newString(value);
    vm.setProp(vm.global, name, h);
    if (value !== null) h.dispose();
  };
  evalValue(bundleCode);
  evalValue(SCRIPT);
  setString('__releaseKeyHex', releaseKeyHex);
  return {
    serve(offerJson, bytesBase64) {
      setString('__offer', offerJson);
      setString('__bytes', bytesBase64);
    },
    reboot() {
      return JSON.parse(evalValue('__boot()') as string) as OtaBootReport[];
    },
    check() {
      evalValue(
        `__result = undefined; __cam.updater.checkNow('model').then(function (r) { __result = JSON.stringify(r); }, function (e) { __result = JSON.stringify({ error: String(e) }); }); 0`,
      );
      // Every promise in there settles without the host (the host functions resolve at once).
      const jobs = runtime.executePendingJobs();
      if (jobs.error) {
        const e = vm.dump(jobs.error);
        jobs.error.dispose();
        throw new Error(`QuickJS job: ${JSON.stringify(e)}`);
      }
      return JSON.parse(evalValue('__result') as string) as OtaOutcome;
    },
    scorer() {
      return JSON.parse(
        evalValue(
          `(function () { var m = __cam.badas.current(); return JSON.stringify(m ? { modelVersion: m.scorer.modelVersion, score: m.scorer.score(new Float32Array(${BADAS_FEATURE_COUNT})) } : null); })()`,
        ) as string,
      ) as { modelVersion: string; score: number } | null;
    },
    flash() {
      return JSON.parse(evalValue('JSON.stringify(__flash)') as string) as Record<string, string>;
    },
    writeFlash(key, value) {
      setString('__k', key);
      setString('__v', value);
      evalValue('__flash[__k] = __v; 0');
    },
    time(f) {
      const t0 = performance.now();
      const value = f();
      return { value, ms: performance.now() - t0 };
    },
    dispose() {
      vm.dispose();
      runtime.dispose();
    },
  };
}
