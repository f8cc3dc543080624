import { describe, expect, it } from 'vitest';
import { runPerceptionScenarioInQuickJs } from './testing/perceptionQuickJs.ts';
import { runPerceptionScenario } from './testing/perceptionScenario.ts';

describe('perception after the detector on QuickJS', () => {
  it('turns host-injected detections into the same lead kinematics as on Node, with no Node built-ins', async () => {
    const options = { seed: 'quickjs', durationS: 6, fps: 30 };
    const onNode = runPerceptionScenario(options);
    const { result, bundleInputs, code } = await runPerceptionScenarioInQuickJs(options);

    expect(bundleInputs.filter((p) => p.startsWith('node:') || /onnxruntime|jpeg-js|pngjs/.test(p))).toEqual(
      [],
    );
    expect(code).not.toMatch(/\bWebAssembly\b|\bsetTimeout\b|\brequire\(/);
    // The scene has a lead to follow, and it brakes: the check below is not about empty frames.
    expect(onNode.frames.filter((f) => f.leadGapM !== undefined).length).toBeGreaterThan(150);
    expect(Math.max(...onNode.frames.map((f) => f.leadClosingMps ?? 0))).toBeGreaterThan(5);

    expect(result.frames).toHaveLength(onNode.frames.length);
    result.frames.forEach((q, i) => {
      const n = onNode.frames[i]!;
      expect(Object.keys(q), `frame ${i}`).toEqual(Object.keys(n));
      // Same code, two engines' libm: equal to rounding.
      for (const key of Object.keys(n) as (keyof typeof n)[]) {
        expect(q[key], `frame ${i} ${key}`).toBeCloseTo(n[key]!, 9);
      }
    });
  });
});
