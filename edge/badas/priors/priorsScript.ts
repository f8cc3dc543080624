import { cellToParent, latLngToCell } from 'h3-js';
import { DEFAULT_TILE_RESOLUTION, PRIOR_CELL_RESOLUTION } from '../../../lib/priors/cellPriors.ts';
import { encodePriorTile } from '../../../lib/priors/priorTile.ts';
import { BadasMonitor } from '../badasMonitor.ts';
import type { BadasScorer } from '../badasScorer.ts';
import { BADAS_FEATURE_NAMES } from '../features.ts';
import { ConflictPriors } from './conflictPriors.ts';

/**
 * A fixed exercise of the camera's prior code (tile encode/decode, lookups, the prior-aware
 * monitor on a close call), returning its results as one JSON string: run on Node and inside
 * QuickJS by `priorsQuickJs.test.ts`, which requires the two strings to be identical.
 */
export function runPriorsScript(): string {
  const hot = latLngToCell(40.4406, -79.9959, PRIOR_CELL_RESOLUTION);
  const parent = cellToParent(hot, DEFAULT_TILE_RESOLUTION);
  const bytes = encodePriorTile({
    parent,
    cellRes: PRIOR_CELL_RESOLUTION,
    unit: 'hour',
    regionalRate: 0.8,
    cells: [
      { cell: hot, logRateRatio: Math.log(3), evidenceWeight: 0.9 },
      { cell: latLngToCell(40.45, -79.98, PRIOR_CELL_RESOLUTION), logRateRatio: -0.7, evidenceWeight: 0.4 },
    ],
  });
  const priors = new ConflictPriors();
  priors.addVerifiedTile(bytes);
  const lookups = [
    [40.4406, -79.9959],
    [40.45, -79.98],
    [40.47, -79.95],
    [48.14, 11.58],
  ].map(([lat, lng]) => priors.at(lat!, lng!) ?? null);
  // A stand-in model: the score rises as the gap closes, so the prior's effect shows in the alert time.
  const scorer: BadasScorer = {
    modelVersion: 'script-1',
    operatingPoint: { raiseAt: 0.5, raiseHoldS: 0.2, clearAt: 0.2, clearHoldS: 1 },
    score: (x) => Math.min(0.99, Math.max(0.01, x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]!)),
  };
  const monitor = new BadasMonitor(scorer);
  monitor.setCellPrior(priors.at(40.4406, -79.9959));
  const scores: number[] = [];
  let firstAlertS: number | null = null;
  let gap = 40;
  for (let i = 0; i < 150; i++) {
    const tS = i / 10;
    const closing = tS < 5 ? 0 : 6;
    gap = Math.max(0.5, gap - closing / 10);
    const step = monitor.push({
      tS,
      egoSpeedMps: 14,
      egoAccelMps2: 0,
      leadGapM: gap,
      leadClosingMps: closing,
    });
    scores.push(step.score);
    if (step.alert && firstAlertS === null) firstAlertS = tS;
  }
  return JSON.stringify({ bytes: Array.from(bytes), lookups, scores, firstAlertS, steps: scores.length });
}
