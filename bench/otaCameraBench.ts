import { readBadasModel } from '../edge/badas/modelFile.ts';
import { buildEdgeBundle } from '../edge/bundle/buildBundle.ts';
import { MemoryStorage } from '../edge/core/storage.ts';
import { checkArtefact } from '../edge/ota/artefactCheck.ts';
import { ArtefactSlots } from '../edge/ota/artefactSlots.ts';
import { decodeBase64, encodeBase64 } from '../edge/ota/encoding.ts';
import { buildOtaAgentBundle } from '../edge/ota/otaBundle.ts';
import { loadOtaInQuickJs } from '../edge/ota/otaQuickJs.ts';
import {
  artefactBytes,
  PowerCutStorage,
  RELEASE_KEYS,
  type SignedArtefact,
  signedArtefact,
} from '../edge/ota/otaTestKit.ts';
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

const CAMERA = { cameraModel: 'cm-a', firmware: '2.0.0' };
const EXPECTED = { kind: 'model' as const, releaseKeys: RELEASE_KEYS, camera: CAMERA };
/** Small chunks, so an update is many writes and a cut can land between any two. */
const CHUNK_CHARS = 400;

/** One way of keeping an artefact in flash: install over what is there, and what boots. */
interface FlashScheme {
  install(storage: MemoryStorage | PowerCutStorage, a: SignedArtefact): void;
  /** The verified bytes the camera would run after a reboot, if any. */
  boot(storage: MemoryStorage): Uint8Array | undefined;
}

/** The A/B slots with read-back and a pointer written last (edge/ota/artefactSlots.ts). */
const slotsScheme: FlashScheme = {
  install(storage, a) {
    const slots = new ArtefactSlots(storage, {
      kind: 'model',
      releaseKeys: RELEASE_KEYS,
      camera: CAMERA,
      chunkChars: CHUNK_CHARS,
    });
    slots.load(() => {});
    slots.install(a, a.bytes, a.manifest.version, () => {});
  },
  boot(storage) {
    const slots = new ArtefactSlots(storage, {
      kind: 'model',
      releaseKeys: RELEASE_KEYS,
      camera: CAMERA,
      chunkChars: CHUNK_CHARS,
    });
    return slots.load(() => {})?.artefact.bytes;
  },
};

/**
 * The plain baseline: one place, overwritten (chunks, then the header), verified at boot like the
 * slots are — what a camera gets from "download, check, write over the old file".
 */
const inPlaceScheme: FlashScheme = {
  install(storage, a) {
    const text = encodeBase64(a.bytes);
    const chunks = Math.ceil(text.length / CHUNK_CHARS);
    for (let i = 0; i < chunks; i++)
      storage.set(`plain/${i}`, text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS));
    storage.set('plain/meta', JSON.stringify({ manifest: a.manifest, signature: a.signature, chunks }));
  },
  boot(storage) {
    try {
      const meta = JSON.parse(storage.get('plain/meta') ?? 'null') as {
        manifest: unknown;
        signature: string;
        chunks: number;
      };
      const text = Array.from({ length: meta.chunks }, (_, i) => storage.get(`plain/${i}`) ?? '').join('');
      const bytes = decodeBase64(text);
      checkArtefact(meta.manifest, meta.signature, EXPECTED, bytes);
      return bytes;
    } catch {
      return undefined;
    }
  },
};

/**
 * Share of power-cut points (after each storage write of an update, whole or torn) after which
 * the camera boots a verified artefact, old or new, byte-exact.
 */
function powerCutBootShare(
  scheme: FlashScheme,
  old: SignedArtefact,
  next: SignedArtefact,
): { share: number; points: number } {
  const fresh = () => {
    const flash = new MemoryStorage();
    scheme.install(flash, old);
    return flash;
  };
  const counter = new PowerCutStorage(fresh(), Number.POSITIVE_INFINITY);
  scheme.install(counter, next);
  let ok = 0;
  let points = 0;
  for (const torn of [false, true])
    for (let n = 0; n < counter.writes; n++) {
      const flash = fresh();
      try {
        scheme.install(new PowerCutStorage(flash, n, torn), next);
      } catch {
        // the power went
      }
      const booted = scheme.boot(flash);
      points++;
      if (
        booted &&
        [old.bytes, next.bytes].some((b) => b.length === booted.length && b.every((x, i) => x === booted[i]))
      )
        ok++;
    }
  return { share: ok / points, points };
}

/**
 * The camera side of OTA updates, on the committed BADAS model (2.7 KB): the size of the OTA
 * agent bundle (its own script, beside the pipeline bundle), what verifying costs on
 * Node and inside QuickJS (boot re-verification, a whole install), and the flash it takes —
 * each beside its plain baseline (a bare SHA-256, the raw bytes).
 */
export async function runOtaCameraBench(): Promise<BenchResult[]> {
  const model = readBadasModel();
  const [pipeline, agent] = [await buildEdgeBundle(), await buildOtaAgentBundle()];
  const kib = (b: number) => round(b / 1024);

  const release = signedArtefact(model, { version: '1.0.0' });
  const verifyMs = timeMs(() => checkArtefact(release.manifest, release.signature, EXPECTED, model));
  // A different artefact of the model's size: with identical bytes an in-place overwrite would look safe.
  const next = signedArtefact(artefactBytes(model.length, 7), { version: '1.1.0' });
  const slotsCut = powerCutBootShare(slotsScheme, release, next);
  const plainCut = powerCutBootShare(inPlaceScheme, release, next);
  const sha256Ms = timeMs(() => sha256Hex(model));

  const qjs = await loadOtaInQuickJs(`${pipeline.code}\n;${agent.code}`, toHex(RELEASE_KEYS[0]!));
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
      name: 'ota.agent_bundle_gzip_kb',
      value: kib(agent.gzipBytes),
      unit: 'KiB',
      better: 'lower',
      note: `the OTA agent (updater, A/B slots, codecs, @noble/ed25519 + @noble/hashes, QuickJS platform), its own script beside the ${kib(pipeline.gzipBytes)} KiB pipeline bundle (edge.bundle_gzip_kb); raw ${kib(agent.bytes)} KiB`,
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
      name: 'ota.camera_power_cut_boot_share',
      value: round(slotsCut.share, 3),
      unit: 'share',
      better: 'higher',
      target: 1,
      note: `power cut after each of the ${slotsCut.points} writes of a 2.7 KB update in 400-char chunks (whole and torn) then reboot: share booting a verified artefact; in-place overwrite baseline ${round(plainCut.share, 3)} of ${plainCut.points}`,
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
