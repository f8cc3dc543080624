import { describe, expect, it } from 'vitest';
import { type BadasDetection, BadasMonitor, type DriverWarning } from './badasMonitor.ts';
import { type BadasScorer, createPortableBadasScorer } from './badasScorer.ts';
import { BADAS_FEATURE_NAMES } from './features.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';
import { readBadasModel } from './modelFile.ts';

/** A stand-in model whose score is the inverse-TTC feature, so the test controls it through the frames. */
const invTtcScorer: BadasScorer = {
  modelVersion: 'test-1',
  operatingPoint: { raiseAt: 0.5, raiseHoldS: 0.2, clearAt: 0.2, clearHoldS: 1 },
  score: (x) => Math.min(1, x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]!),
};

/** 10 Hz: cruising behind a lead, the lead brakes, the gap closes to 2 m, then opens again. */
function closeCall(): LeadKinematicsFrame[] {
  const frames: LeadKinematicsFrame[] = [];
  let gap = 30;
  for (let i = 0; i < 200; i++) {
    const t = i / 10;
    const closing = t < 5 ? 0 : t < 9 ? 7 : -4;
    gap = Math.max(gap - closing / 10, 0.5);
    frames.push({
      tS: t,
      egoSpeedMps: 15,
      egoAccelMps2: t < 9 ? 0 : -5,
      leadGapM: gap,
      leadClosingMps: closing,
    });
  }
  return frames;
}

function run(monitor: BadasMonitor, frames: LeadKinematicsFrame[]): BadasDetection[] {
  const out: BadasDetection[] = [];
  for (const f of frames) out.push(...monitor.push(f).detections);
  out.push(...monitor.flush());
  return out;
}

describe('BadasMonitor', () => {
  it('warns before a close call and reports it as a near miss with its TTC and the earlier score', () => {
    const warnings: DriverWarning[] = [];
    const detections = run(
      new BadasMonitor(invTtcScorer, { onDriverWarning: (w) => warnings.push(w) }),
      closeCall(),
    );
    const alert = detections.find((d) => d.type === 'badas_alert');
    const nearMiss = detections.find((d) => d.type === 'near_miss');
    expect(alert).toMatchObject({ type: 'badas_alert', modelVersion: 'test-1' });
    expect(nearMiss?.type).toBe('near_miss');
    if (nearMiss?.type !== 'near_miss' || alert?.type !== 'badas_alert') return;
    expect(alert.tMs).toBeLessThan(nearMiss.tMs);
    expect(nearMiss.ttcS).toBeLessThan(1.5);
    expect(nearMiss.badasScore).toBeGreaterThanOrEqual(0.5);
    expect(warnings.map((w) => w.active)).toEqual([true, false]);
    expect(detections.filter((d) => d.type === 'near_miss')).toHaveLength(1);
  });

  it('stays silent on an empty road with the trained model', () => {
    const monitor = new BadasMonitor(createPortableBadasScorer(readBadasModel()));
    const frames = Array.from({ length: 600 }, (_, i) => ({
      tS: 1000 + i / 10,
      egoSpeedMps: 25 + Math.sin(i / 50),
      egoAccelMps2: 0.1 * Math.cos(i / 50),
    }));
    expect(run(monitor, frames)).toEqual([]);
  });

  it('emits plain, serialisable detections stamped with sensor time in ms', () => {
    const detections = run(new BadasMonitor(invTtcScorer), closeCall());
    expect(detections.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(detections))).toEqual(detections);
    for (const d of detections) expect(Number.isInteger(d.tMs)).toBe(true);
  });
});
