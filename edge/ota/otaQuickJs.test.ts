import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/contract/artefact.ts';
import { readBadasModel } from '../badas/modelFile.ts';
import { buildEdgeBundle } from '../bundle/buildBundle.ts';
import { buildOtaAgentBundle } from './otaBundle.ts';
import { loadOtaInQuickJs, type OtaInQuickJs } from './otaQuickJs.ts';
import {
  ATTACKER_SEED,
  activeSlotIn,
  RELEASE_KEYS,
  type SignedArtefact,
  signedArtefact,
} from './otaTestKit.ts';

const model = readBadasModel();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const serve = (qjs: OtaInQuickJs, a: SignedArtefact, served = a.bytes, offer: unknown = a.offer()) =>
  qjs.serve(JSON.stringify(offer), b64(served));

describe('the OTA updater inside QuickJS (camera bundle)', () => {
  let qjs: OtaInQuickJs;
  beforeAll(async () => {
    // Firmware loads the pipeline bundle and the OTA agent bundle into one context.
    const code = `${(await buildEdgeBundle()).code}\n;${(await buildOtaAgentBundle()).code}`;
    qjs = await loadOtaInQuickJs(code, toHex(RELEASE_KEYS[0]!));
    return () => qjs.dispose();
  }, 60_000);

  const v1 = signedArtefact(model, { version: '1.1.0' });
  // The same model re-issued as 1.2.0: a different version, still a valid BADAS model.
  const v2 = signedArtefact(model, { version: '1.2.0' });

  it('verifies, installs and hands the BADAS scorer the model; a reboot re-verifies it from flash', () => {
    expect(qjs.reboot()).toEqual([{ kind: 'model', fellBack: false }]);
    serve(qjs, v1);
    expect(qjs.check()).toEqual({ kind: 'model', status: 'installed', version: '1.1.0' });
    const scorer = qjs.scorer();
    expect(scorer?.score).toBeGreaterThanOrEqual(0);
    expect(Object.keys(qjs.flash())).toContain('ota/model/active/0');
    expect(qjs.reboot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: false }]);
    expect(qjs.scorer()).toEqual(scorer);
  });

  it('refuses a flipped byte, a foreign signature and an edited manifest, keeping 1.1.0', () => {
    const flipped = v2.bytes.slice();
    flipped[100] = flipped[100]! ^ 1;
    serve(qjs, v2, flipped);
    expect(qjs.check()).toMatchObject({ status: 'failed', code: 'BAD_BYTES' });
    serve(qjs, signedArtefact(model, { version: '1.2.0', seed: ATTACKER_SEED }));
    expect(qjs.check()).toMatchObject({ status: 'refused', code: 'UNTRUSTED' });
    serve(qjs, v2, v2.bytes, {
      ...v2.offer(),
      manifest: { ...v2.manifest, createdAt: '2026-12-02T00:00:00Z' },
    });
    expect(qjs.check()).toMatchObject({ status: 'refused', code: 'UNTRUSTED' });
    expect(qjs.reboot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: false }]);
  });

  it('swaps to 1.2.0 in the other slot and falls back to 1.1.0 when flash corrupts the active slot', () => {
    serve(qjs, v2);
    expect(qjs.check()).toEqual({ kind: 'model', status: 'installed', version: '1.2.0', replaced: '1.1.0' });
    const flash = qjs.flash();
    const active = activeSlotIn((k) => flash[k]);
    expect(active).toBe('b');
    // Node and QuickJS store the very same bytes.
    expect(flash['ota/model/b/0']).toBe(b64(model));
    const chunk = flash['ota/model/b/0']!;
    qjs.writeFlash(
      'ota/model/b/0',
      `${chunk.slice(0, 500)}${chunk[500] === 'A' ? 'B' : 'A'}${chunk.slice(501)}`,
    );
    expect(qjs.reboot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: true }]);
    expect(qjs.scorer()).not.toBeNull();
  });
});
