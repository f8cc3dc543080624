import { build } from 'esbuild';
import { getQuickJS } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { encodeIspProfile, type IspProfile } from '../../lib/night/ispProfileFormat.ts';
import { createSeededRandom } from '../core/random.ts';
import { DEFAULT_NIGHT_SCENE, NightSceneReporter } from './nightSceneReporter.ts';

const PROFILE: IspProfile = {
  schema: 1,
  cameraModel: 'budget-10hz',
  firmware: '2.1.0',
  blackLevelOffset: 16,
  targetLuma: 100,
  minExposureMs: 0.05,
  maxExposureMs: 33,
  minGain: 1,
  maxGain: 16,
  noise: { readSigma: 2.6, shotGain: 0.09 },
  denoise: [
    { gain: 1, strength: 0.7 },
    { gain: 16, strength: 0.97 },
  ],
};

/** The same night drive on Node and inside QuickJS: Oslo, a December evening, 30 minutes. */
const SCRIPT = `
  globalThis.run = (profileHex) => {
    const bytes = new Uint8Array(profileHex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(profileHex.slice(2 * i, 2 * i + 2), 16);
    const isp = nightIspProfile(decodeIspProfile(bytes));
    const r = new NightSceneReporter({ ...DEFAULT_NIGHT_SCENE, cameraModel: 'budget-10hz', firmware: '2.1.0' }, createSeededRandom('qjs'));
    const t0 = Date.UTC(2024, 11, 21, 20);
    for (let s = 0; s < 1800; s++) {
      const tMs = t0 + s * 1000;
      r.pushFix({ tMs, lat: 59.9139, lng: 10.7522 + (12 * s) / 55800, speedMps: 12 });
      for (let f = 0; f < 5; f++) {
        const lum = 0.2 + ((s * 5 + f) % 300) / 500;
        const e = isp.exposureFor(lum), g = isp.gainFor(lum);
        r.pushStats({ tMs: tMs + f * 200, meanLuma: 16 + lum * e * g, noiseSigma: isp.noiseSigmaFor(g, 100), exposureMs: e, gain: g });
      }
    }
    return JSON.stringify({ events: r.takeEvents(), denoise: isp.denoiseFor(8) });
  };`;

describe('night on the camera inside QuickJS', () => {
  it('decodes a profile and reports night scenes byte for byte as on Node', async () => {
    const bundle = await build({
      stdin: {
        contents: `import { NightSceneReporter, DEFAULT_NIGHT_SCENE } from './nightSceneReporter.ts';
          import { nightIspProfile } from './ispProfile.ts';
          import { decodeIspProfile } from '../../lib/night/ispProfileFormat.ts';
          import { createSeededRandom } from '../core/random.ts';
          ${SCRIPT}`,
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      write: false,
      // As the camera bundle (edge/bundle/buildBundle.ts): browser platform, h3-js's console shimmed.
      platform: 'browser',
      target: 'es2020',
      metafile: true,
      banner: { js: 'if(typeof console==="undefined"){globalThis.console={log(){},warn(){},error(){}};}' },
    });
    // Nothing of zod (the contract's schemas) or node: may reach the camera.
    expect(
      Object.keys(bundle.metafile.inputs).filter(
        (p) => /node_modules\/zod\//.test(p) || p.startsWith('node:'),
      ),
    ).toEqual([]);
    const hex = Buffer.from(encodeIspProfile(PROFILE)).toString('hex');
    const vm = (await getQuickJS()).newContext();
    let inQuickJs: string;
    try {
      const r = vm.evalCode(bundle.outputFiles[0]!.text);
      if (r.error) throw new Error(JSON.stringify(vm.dump(r.error)));
      r.value.dispose();
      const out = vm.evalCode(`run(${JSON.stringify(hex)})`);
      if (out.error) throw new Error(JSON.stringify(vm.dump(out.error)));
      inQuickJs = vm.dump(out.value) as string;
      out.value.dispose();
    } finally {
      vm.dispose();
    }
    // The same script on Node, with the same modules.
    const { nightIspProfile } = await import('./ispProfile.ts');
    const { decodeIspProfile } = await import('../../lib/night/ispProfileFormat.ts');
    const scope = {
      NightSceneReporter,
      DEFAULT_NIGHT_SCENE,
      nightIspProfile,
      decodeIspProfile,
      createSeededRandom,
    };
    const globalRef: { run?: (h: string) => string } = {};
    new Function(...Object.keys(scope), 'globalThis', SCRIPT)(...Object.values(scope), globalRef);
    const onNode = globalRef.run?.(hex) as string;
    expect(JSON.parse(inQuickJs).events.length).toBeGreaterThan(1);
    expect(inQuickJs).toBe(onNode);
  });
});
