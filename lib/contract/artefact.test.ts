import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import {
  type ArtefactManifest,
  compareVersions,
  isCompatible,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
  verifyArtefact,
} from './artefact.ts';

const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const otherSeed = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256);

function manifestFor(data: Uint8Array, key = seed): ArtefactManifest {
  return {
    schema: 1,
    kind: 'model',
    name: 'badas-anticipation',
    version: '1.2.0',
    sha256: sha256Hex(data),
    size: data.length,
    compatibility: { cameraModels: ['*'], minFirmware: '1.0.0' },
    provenance: { trainedOn: 'sim fleet', rows: 1200, note: 'café ✓' },
    createdAt: '2026-12-01T00:00:00Z',
    keyId: keyIdOf(publicKeyOf(key)),
  };
}

describe('artefact manifests', () => {
  const m = manifestFor(bytes);
  const sig = signManifest(m, seed);
  const trusted = [publicKeyOf(seed)];

  it('verifies a signed manifest and its bytes', () => {
    expect(verifyArtefact(m, sig, trusted, bytes)).toEqual(m);
  });

  it('rejects a tampered manifest, tampered bytes, truncated bytes and an unknown key', () => {
    expect(() => verifyArtefact({ ...m, version: '1.2.1' }, sig, trusted)).toThrow(/signature/);
    const flipped = bytes.slice();
    flipped[10] = flipped[10]! ^ 1;
    expect(() => verifyArtefact(m, sig, trusted, flipped)).toThrow(/SHA-256/);
    expect(() => verifyArtefact(m, sig, trusted, bytes.slice(0, 999))).toThrow(/bytes/);
    expect(() => verifyArtefact(m, sig, [publicKeyOf(otherSeed)], bytes)).toThrow(/trusted/);
    expect(() => verifyArtefact(m, '00'.repeat(64), trusted, bytes)).toThrow(/signature/);
    expect(() => verifyArtefact({ ...m, kind: 'firmware' }, sig, trusted)).toThrow(/manifest.kind/);
  });

  it('refuses to sign with a key the manifest does not name', () => {
    expect(() => signManifest(m, otherSeed)).toThrow(/keyId/);
  });

  it('orders versions and checks compatibility', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(isCompatible(m, 'any-cam', '1.0.0')).toBe(true);
    expect(isCompatible(m, 'any-cam', '0.9.9')).toBe(false);
    expect(isCompatible({ ...m, compatibility: { cameraModels: ['cm-a'] } }, 'cm-b', '1.0.0')).toBe(false);
  });

  it('verifies inside QuickJS (no Web Crypto, no WebAssembly) exactly as on Node', async () => {
    const bundle = await build({
      stdin: {
        contents: `import { verifyArtefact, fromHex } from './artefact.ts';
          globalThis.check = (m, s, k, b) => {
            try { verifyArtefact(JSON.parse(m), s, [fromHex(k)], fromHex(b)); return 'ok'; }
            catch (e) { return e.code; }
          };`,
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      write: false,
      platform: 'neutral',
      mainFields: ['module', 'main'],
    });
    const vm = (await getQuickJS()).newContext();
    try {
      const r = vm.evalCode(bundle.outputFiles[0]!.text);
      if (r.error) throw new Error(JSON.stringify(vm.dump(r.error)));
      r.value.dispose();
      const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
      const run = (man: ArtefactManifest, data: Uint8Array) => {
        const call = `check(${JSON.stringify(JSON.stringify(man))}, ${JSON.stringify(sig)}, ${JSON.stringify(hex(trusted[0]!))}, ${JSON.stringify(hex(data))})`;
        const out = vm.evalCode(call);
        if (out.error) throw new Error(JSON.stringify(vm.dump(out.error)));
        const v = vm.dump(out.value) as string;
        out.value.dispose();
        return v;
      };
      expect(run(m, bytes)).toBe('ok');
      expect(run({ ...m, size: 1001 }, bytes)).toBe('BAD_SIGNATURE');
      expect(run(m, bytes.slice(0, 500))).toBe('BAD_SIZE');
    } finally {
      vm.dispose();
    }
  });
});
