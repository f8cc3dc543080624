import { getQuickJS } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { readBadasModel } from '../badas/modelFile.ts';
import { replayLogs } from '../replay.ts';
import { closeCallFramesCsv } from '../testing/closeCall.ts';
import { buildEdgeBundle } from './buildBundle.ts';
import { evalOrThrow } from './runInQuickJs.ts';

const T0 = 1_700_000_000;

function gpsCsv(): string {
  const rows = ['t,lat,lng,speed_mps,heading_deg'];
  for (let i = 0; i < 400; i++) rows.push(`${T0 + i},${(52.5 + i * 0.00013).toFixed(6)},13.4,14.5,0`);
  for (let i = 0; i < 120; i++) rows.push(`${T0 + 400 + i},${(52.5 + 400 * 0.00013).toFixed(6)},13.4,0,0`);
  return rows.join('\n');
}

/** 10 Hz, relative time: following at 20 m, the lead brakes hard at 150 s. */
const framesCsv = () => closeCallFramesCsv({ fromS: 60, toS: 300, brakeAtS: 150, egoSpeedMps: 14.5 });

describe('BADAS in the camera pipeline on QuickJS', () => {
  it('gives byte-identical bodies, near miss included, on Node and inside QuickJS', async () => {
    const model = readBadasModel();
    const gps = gpsCsv();
    const frames = framesCsv();
    const onNode = replayLogs({ gpsCsv: gps, framesCsv: frames, badasModel: model, seed: 's' }).join('\n');
    expect(onNode).toContain('"type":"near_miss"');

    const { code } = await buildEdgeBundle();
    const qjs = await getQuickJS();
    const runtime = qjs.newRuntime();
    runtime.setMemoryLimit(512 * 1024 * 1024);
    const vm = runtime.newContext();
    try {
      evalOrThrow(vm, code);
      const buf = vm.newArrayBuffer(model.slice().buffer);
      vm.setProp(vm.global, '__model', buf);
      buf.dispose();
      for (const [name, value] of [
        ['__gps', gps],
        ['__frames', frames],
      ] as const) {
        const h = vm.newString(value);
        vm.setProp(vm.global, name, h);
        h.dispose();
      }
      const inQuickJs = evalOrThrow(
        vm,
        `dashnetEdge.replay(__gps, null, '{"seed":"s"}', __frames, new Uint8Array(__model))`,
      );
      expect(inQuickJs).toBe(onNode);
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  });
});
