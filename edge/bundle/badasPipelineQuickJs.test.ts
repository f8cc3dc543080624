import { getQuickJS, type QuickJSContext } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { readBadasModel } from '../badas/modelFile.ts';
import { replayLogs } from '../replay.ts';
import { buildEdgeBundle } from './buildBundle.ts';

const T0 = 1_700_000_000;

function gpsCsv(): string {
  const rows = ['t,lat,lng,speed_mps,heading_deg'];
  for (let i = 0; i < 400; i++) rows.push(`${T0 + i},${(52.5 + i * 0.00013).toFixed(6)},13.4,14.5,0`);
  for (let i = 0; i < 120; i++) rows.push(`${T0 + 400 + i},${(52.5 + 400 * 0.00013).toFixed(6)},13.4,0,0`);
  return rows.join('\n');
}

/** 10 Hz, relative time: following at 20 m, the lead brakes hard at 150 s. */
function framesCsv(): string {
  const rows = ['t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps'];
  let gap = 20;
  for (let i = 600; i < 3000; i++) {
    const r = i / 10 - 150;
    const closing =
      r >= 0 && r < 1
        ? 8 * r
        : r >= 1 && r < 2
          ? 8
          : r >= 2 && r < 3.5
            ? 8 - (8 / 1.5) * (r - 2)
            : r >= 3.5
              ? -2
              : 0;
    gap -= closing / 10;
    rows.push(`${(i / 10).toFixed(1)},14.5,0,${gap.toFixed(2)},${closing.toFixed(2)}`);
  }
  return rows.join('\n');
}

function evalOrThrow(vm: QuickJSContext, code: string): unknown {
  const r = vm.evalCode(code);
  if (r.error) {
    const err = vm.dump(r.error);
    r.error.dispose();
    throw new Error(`QuickJS: ${JSON.stringify(err)}`);
  }
  const v = vm.dump(r.value) as unknown;
  r.value.dispose();
  return v;
}

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
