import { describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../bundle/buildBundle.ts';
import { createPortableBadasScorer } from './badasScorer.ts';
import { BadasFeatureWindow } from './features.ts';
import { runBadasOnCsv } from './kinematicsCsv.ts';
import { readBadasModel } from './modelFile.ts';
import { loadBadasInQuickJs } from './quickJsBadas.ts';
import { generateScenario } from './training/scenarios.ts';

describe('BADAS inside QuickJS (the camera bundle, no WebAssembly)', () => {
  const bytes = readBadasModel();
  const drive = generateScenario('cut_in_brake', 'quickjs');

  it('scores exactly as on Node for the same .onnx bytes', async () => {
    const node = createPortableBadasScorer(bytes);
    const w = new BadasFeatureWindow();
    const xs = drive.frames.map((f) => w.push(f));
    const qjs = await loadBadasInQuickJs((await buildEdgeBundle()).code, bytes);
    try {
      const inQuickJs = qjs.score(xs);
      expect(inQuickJs).toHaveLength(xs.length);
      inQuickJs.forEach((p, i) => {
        expect(Math.abs(p - node.score(xs[i]!))).toBeLessThan(1e-7);
      });
    } finally {
      qjs.dispose();
    }
  });

  it('runs the whole edge badas CSV path identically', async () => {
    const csv = [
      't,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps',
      ...drive.frames.map(
        (f) => `${f.tS},${f.egoSpeedMps},${f.egoAccelMps2},${f.leadGapM ?? ''},${f.leadClosingMps ?? ''}`,
      ),
    ].join('\n');
    const qjs = await loadBadasInQuickJs((await buildEdgeBundle()).code, bytes);
    try {
      expect(qjs.runCsv(csv)).toBe(runBadasOnCsv(csv, createPortableBadasScorer(bytes)));
    } finally {
      qjs.dispose();
    }
  });
});
