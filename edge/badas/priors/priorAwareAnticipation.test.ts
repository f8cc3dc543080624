import { cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { ArtefactManifest } from '../../../lib/contract/artefact.ts';
import { encodePriorTile } from '../../../lib/priors/priorTile.ts';
import type { FilteredFix } from '../../sensors/samples.ts';
import { BadasMonitor, type BadasStep } from '../badasMonitor.ts';
import { type BadasScorer, createPortableBadasScorer } from '../badasScorer.ts';
import { BadasStage } from '../badasStage.ts';
import { BADAS_FEATURE_NAMES } from '../features.ts';
import type { LeadKinematicsFrame } from '../kinematics.ts';
import { readBadasModel } from '../modelFile.ts';
import { generateScenario } from '../training/scenarios.ts';
import { ConflictPriors } from './conflictPriors.ts';
import { conflictPriorsConsumer } from './conflictPriorsConsumer.ts';
import { DEFAULT_PRIOR_ADJUST, priorShiftLogit, shiftScore } from './priorAdjustment.ts';

/** A junction with three times the region's near misses, and a quiet street next to it. */
const HOT = { lat: 40.4406, lng: -79.9959 };
const HOT_CELL = latLngToCell(HOT.lat, HOT.lng, 8);
const PARENT = cellToParent(HOT_CELL, 4);
/** A position in the same tile whose cell the tile does not list (an uncovered road). */
const UNCOVERED = { lat: 40.47, lng: -79.95 };
/** A position in no tile at all. */
const ELSEWHERE = { lat: 48.14, lng: 11.58 };

function tileBytes(): Uint8Array {
  return encodePriorTile({
    parent: PARENT,
    cellRes: 8,
    unit: 'hour',
    regionalRate: 1,
    cells: [{ cell: HOT_CELL, logRateRatio: Math.log(3), evidenceWeight: 0.9 }],
  });
}

function priors(): ConflictPriors {
  const p = new ConflictPriors();
  p.addVerifiedTile(tileBytes());
  return p;
}

/** A stand-in model whose score is the inverse-TTC feature, so the frames control it. */
const invTtcScorer: BadasScorer = {
  modelVersion: 'test-1',
  operatingPoint: { raiseAt: 0.5, raiseHoldS: 0.2, clearAt: 0.2, clearHoldS: 1 },
  score: (x) => Math.min(1, x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]!),
};

/** 10 Hz: behind a lead that starts braking at 5 s; the gap closes at 7 m/s, then opens. */
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

function runMonitor(m: BadasMonitor, frames: readonly LeadKinematicsFrame[]): BadasStep[] {
  return frames.map((f) => m.push(f));
}

const firstAlertS = (frames: readonly LeadKinematicsFrame[], steps: readonly BadasStep[]) =>
  frames[steps.findIndex((s) => s.alert)]?.tS;

describe('priorShiftLogit / shiftScore', () => {
  it('adds ln RR to the logit, bounded, and nothing without a prior', () => {
    expect(priorShiftLogit(undefined)).toBe(0);
    expect(priorShiftLogit({ logRateRatio: Math.log(3), evidenceWeight: 0.5 })).toBeCloseTo(Math.log(3), 12);
    expect(priorShiftLogit({ logRateRatio: 4, evidenceWeight: 1 })).toBe(DEFAULT_PRIOR_ADJUST.maxShiftLogit);
    expect(priorShiftLogit({ logRateRatio: -4, evidenceWeight: 1 })).toBe(
      -DEFAULT_PRIOR_ADJUST.maxShiftLogit,
    );
    const floor = { ...DEFAULT_PRIOR_ADJUST, minEvidenceWeight: 0.6 };
    expect(priorShiftLogit({ logRateRatio: 1, evidenceWeight: 0.5 }, floor)).toBe(0);
    // Odds ×3: 0.5 → 0.75.
    expect(shiftScore(0.5, Math.log(3))).toBeCloseTo(0.75, 12);
    for (const p of [0, 1e-9, 0.3, 0.999, 1]) expect(shiftScore(p, 0)).toBe(p);
    expect(shiftScore(0, 1.5)).toBe(0);
  });
});

describe('ConflictPriors', () => {
  it('finds the prior of the cell a position is in, and none on uncovered roads or outside the tile', () => {
    const p = priors();
    expect(cellToParent(latLngToCell(UNCOVERED.lat, UNCOVERED.lng, 8), 4)).toBe(PARENT);
    expect(p.at(HOT.lat, HOT.lng)?.logRateRatio).toBeCloseTo(Math.log(3), 1);
    expect(p.at(UNCOVERED.lat, UNCOVERED.lng)).toBeUndefined();
    expect(p.at(ELSEWHERE.lat, ELSEWHERE.lng)).toBeUndefined();
    p.clear();
    expect(p.at(HOT.lat, HOT.lng)).toBeUndefined();
  });

  it('refuses a tile under a manifest of another kind or another region', () => {
    const manifest = { kind: 'conflict_priors', name: 'x', provenance: { region: '8428309ffffffff' } };
    expect(() =>
      new ConflictPriors().addVerifiedTile(tileBytes(), manifest as unknown as ArtefactManifest),
    ).toThrow(expect.objectContaining({ code: 'BAD_TILE' }));
    const model = { kind: 'model', name: 'x', provenance: { region: PARENT } };
    expect(() =>
      new ConflictPriors().addVerifiedTile(tileBytes(), model as unknown as ArtefactManifest),
    ).toThrow(expect.objectContaining({ code: 'BAD_TILE' }));
  });
});

describe('BadasMonitor with conflict priors', () => {
  const model = createPortableBadasScorer(readBadasModel());
  const drives = ['lead_brake', 'stopped_ahead', 'stop_and_go'].map((k, i) =>
    generateScenario(k as 'lead_brake', `priors-test:${i}`),
  );

  it('is exactly the plain model without a tile and on an uncovered road', () => {
    const p = priors();
    for (const s of drives) {
      const plain = runMonitor(new BadasMonitor(model), s.frames);
      const noTile = new BadasMonitor(model);
      noTile.setCellPrior(undefined);
      const uncovered = new BadasMonitor(model);
      uncovered.setCellPrior(p.at(UNCOVERED.lat, UNCOVERED.lng));
      expect(runMonitor(noTile, s.frames)).toEqual(plain);
      expect(runMonitor(uncovered, s.frames)).toEqual(plain);
    }
  });

  it('warns earlier on a cell with three times the regional near-miss rate', () => {
    const frames = closeCall();
    const plain = runMonitor(new BadasMonitor(invTtcScorer), frames);
    const hot = new BadasMonitor(invTtcScorer);
    hot.setCellPrior(priors().at(HOT.lat, HOT.lng));
    const aware = runMonitor(hot, frames);
    const tPlain = firstAlertS(frames, plain)!;
    const tAware = firstAlertS(frames, aware)!;
    expect(tAware).toBeLessThan(tPlain - 0.2);
    const at = aware.find((s) => s.prior)!;
    expect(at.prior!.shiftLogit).toBeCloseTo(Math.log(3), 1);
    expect(at.score).toBeCloseTo(shiftScore(at.prior!.modelScore, at.prior!.shiftLogit), 12);
  });

  it('leaves a clear road silent even on the riskiest cell (the shift is bounded)', () => {
    const hot = new BadasMonitor(model);
    hot.setCellPrior({ logRateRatio: 4, evidenceWeight: 1 });
    const frames = Array.from({ length: 600 }, (_, i) => ({ tS: i / 10, egoSpeedMps: 25, egoAccelMps2: 0 }));
    expect(runMonitor(hot, frames).some((s) => s.alert)).toBe(false);
  });
});

describe('BadasStage with conflict priors', () => {
  const fixAt = (tMs: number, pos: { lat: number; lng: number }): FilteredFix => ({
    tMs,
    ...pos,
    speedMps: 15,
    headingDeg: 0,
    speedDerived: false,
  });

  /** GPS at 1 Hz at `pos`, frames of closeCall() at 10 Hz. */
  function drive(stage: BadasStage, pos: { lat: number; lng: number }) {
    const out = [];
    for (const f of closeCall()) {
      const tMs = Math.round(f.tS * 1000);
      if (tMs % 1000 === 0) stage.noteGps(fixAt(tMs, pos), undefined);
      const r = stage.push(tMs + 1, { leadGapM: f.leadGapM!, leadClosingMps: f.leadClosingMps! });
      if (typeof r !== 'string') out.push(r);
    }
    return out;
  }

  it('uses the prior of the cell of the last fix, and is the plain stage elsewhere', () => {
    const plainAt = (pos: { lat: number; lng: number }) => drive(new BadasStage(invTtcScorer), pos);
    const awareAt = (pos: { lat: number; lng: number }) => {
      const s = new BadasStage(invTtcScorer);
      s.setConflictPriors(priors());
      return drive(s, pos);
    };
    expect(awareAt(UNCOVERED)).toEqual(plainAt(UNCOVERED));
    expect(awareAt(ELSEWHERE)).toEqual(plainAt(ELSEWHERE));
    const plain = plainAt(HOT);
    const aware = awareAt(HOT);
    const first = (rs: typeof plain) => rs.findIndex((r) => r.step.alert);
    expect(first(aware)).toBeGreaterThanOrEqual(0);
    expect(first(aware)).toBeLessThan(first(plain));
  });

  it('goes back to the plain model when the tiles are dropped', () => {
    const s = new BadasStage(invTtcScorer);
    s.setConflictPriors(priors());
    s.noteGps(fixAt(0, HOT), undefined);
    s.setConflictPriors(undefined);
    const r = s.push(100, { leadGapM: 20, leadClosingMps: 2 });
    expect(typeof r !== 'string' && r.step.prior).toBeUndefined();
  });
});

describe('conflictPriorsConsumer', () => {
  const manifest = (region: string) =>
    ({
      kind: 'conflict_priors',
      name: `conflict-priors-${region}`,
      provenance: { region },
    }) as unknown as ArtefactManifest;

  it('adopts a verified tile, and keeps the last good one when the next does not decode', () => {
    const p = new ConflictPriors();
    const consumer = conflictPriorsConsumer(p);
    consumer.onArtefact('conflict_priors', tileBytes(), manifest(PARENT));
    expect(p.at(HOT.lat, HOT.lng)).toBeDefined();
    expect(() => consumer.onArtefact('conflict_priors', tileBytes().slice(0, 25), manifest(PARENT))).toThrow(
      expect.objectContaining({ code: 'BAD_TILE' }),
    );
    expect(p.at(HOT.lat, HOT.lng)?.logRateRatio).toBeCloseTo(Math.log(3), 1);
    expect(() => consumer.onArtefact('model', tileBytes(), manifest(PARENT))).toThrow(
      expect.objectContaining({ code: 'BAD_TILE' }),
    );
  });
});
