import { readBadasModel } from '../edge/badas/modelFile.ts';
import { buildEdgeBundle, EDGE_BUNDLE_BUDGET_GZIP_KB } from '../edge/bundle/buildBundle.ts';
import { checkArtefact } from '../edge/ota/artefactCheck.ts';
import { buildEdgeBundleWithOta } from '../edge/ota/otaBundle.ts';
import { loadOtaInQuickJs } from '../edge/ota/otaQuickJs.ts';
import { RELEASE_KEYS, signedArtefact } from '../edge/ota/otaTestKit.ts';
import { sha256Hex, toHex } from '../lib/contract/artefact.ts';
import type { BenchResult } from './types.ts';

const REPEATS = 7;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Median wall time of `f` over {@link REPEATS} runs after one warm-up, ms. */
function timeMs(f: () => void): number {
  f();
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

/**
 * The camera side of OTA updates, on the committed BADAS model (2.7 KB): what the updater adds
 * to the camera bundle (and whether the bundle stays within its budget), what verifying costs on
 * Node and inside QuickJS (boot re-verification, a whole install), and the flash it takes —
 * each beside its plain baseline (the bundle without OTA, a bare SHA-256, the raw bytes).
 */
export async function runOtaCameraBench(): Promise<BenchResult[]> {
  const model = readBadasModel();
  const [plain, withOta] = [await buildEdgeBundle(), await buildEdgeBundleWithOta()];
  const kib = (b: number) => round(b / 1024);

  const release = signedArtefact(model, { version: '1.0.0' });
  const camera = { cameraModel: 'cm-a', firmware: '2.0.0' };
  const expected = { kind: 'model' as const, releaseKeys: RELEASE_KEYS, camera };
  const verifyMs = timeMs(() => checkArtefact(release.manifest, release.signature, expected, model));
  const sha256Ms = timeMs(() => sha256Hex(model));

  const qjs = await loadOtaInQuickJs(withOta.code, toHex(RELEASE_KEYS[0]!));
  const installMs: number[] = [];
  const bootMs: number[] = [];
  let flashBytes = 0;
  try {
    qjs.reboot();
    const b64 = Buffer.from(model).toString('base64');
    for (let i = 0; i <= REPEATS; i++) {
      const a = signedArtefact(model, { version: `1.0.${i + 1}` });
      qjs.serve(JSON.stringify(a.offer()), b64);
      const install = qjs.time(() => qjs.check());
      if (install.value.status !== 'installed')
        throw new Error(`install ${i}: ${JSON.stringify(install.value)}`);
      const boot = qjs.time(() => qjs.reboot());
      if (i > 0) {
        installMs.push(install.ms);
        bootMs.push(boot.ms);
      }
    }
    flashBytes = Object.entries(qjs.flash()).reduce((n, [k, v]) => n + k.length + v.length, 0);
  } finally {
    qjs.dispose();
  }
  const note = `BADAS model ${model.length} B, Ed25519 (@noble/ed25519, sync) + SHA-256 (@noble/hashes)`;
  return [
    {
      name: 'ota.camera_bundle_gzip_kb',
      value: kib(withOta.gzipBytes),
      unit: 'KiB',
      better: 'lower',
      target: EDGE_BUNDLE_BUDGET_GZIP_KB,
      note: `camera bundle with dashnetEdge.ota; without it ${kib(plain.gzipBytes)} KiB (edge.bundle_gzip_kb)`,
    },
    {
      name: 'ota.camera_bundle_cost_gzip_kb',
      value: kib(withOta.gzipBytes - plain.gzipBytes),
      unit: 'KiB',
      better: 'lower',
      note: `updater, slots, codecs, @noble/ed25519 + @noble/hashes; raw +${kib(withOta.bytes - plain.bytes)} KiB`,
    },
    {
      name: 'ota.camera_verify_ms',
      value: round(verifyMs, 2),
      unit: 'ms',
      better: 'lower',
      note: `${note}, Node; a bare SHA-256 of the bytes takes ${round(sha256Ms, 3)} ms`,
    },
    {
      name: 'ota.camera_boot_verify_ms_quickjs',
      value: round(median(bootMs)),
      unit: 'ms',
      better: 'lower',
      note: `${note}; boot: read slot, base64-decode, verify, build the BADAS scorer, in quickjs-emscripten`,
    },
    {
      name: 'ota.camera_install_ms_quickjs',
      value: round(median(installMs)),
      unit: 'ms',
      better: 'lower',
      note: `${note}; offer verify, download verify, slot write, read-back verify, adopt, pointer flip`,
    },
    {
      name: 'ota.camera_flash_bytes',
      value: flashBytes,
      unit: 'bytes',
      better: 'lower',
      note: `two slots (base64) + headers + pointer; the raw model twice is ${2 * model.length} B`,
    },
  ];
}
