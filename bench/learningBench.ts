import { QUICK_FLEET_LEARNING } from '../bin/commands/train.ts';
import { readBadasModel } from '../edge/badas/modelFile.ts';
import { runFleetLearning } from '../edge/badas/training/fleetLearning.ts';
import type { BenchResult } from './types.ts';

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Learning from the fleet (issue 12 part 3), simulated end to end at the quick size
 * (`dashnet train --curve --round --quick`): 1,000 fleet drives of the wider world upload labelled
 * windows through the camera's code, the cloud gathers them k-anonymously, and fine-tuning
 * rounds on nested subsets give AP 1 s ahead on held-out fleet-world drives against the amount
 * of network data (mean of two seeds); then one round on everything through the ship gate.
 * Subsampled to stay within a few minutes on a loaded 2-core machine: a third of the fleet,
 * half of each held-out set, a quarter of the validation drives, two seeds, 500 bootstrap
 * resamples (the full size is `dashnet train --curve --round`).
 */
export async function runLearningBench(): Promise<BenchResult[]> {
  const r = runFleetLearning({ ...QUICK_FLEET_LEARNING, currentModel: readBadasModel() });
  const out: BenchResult[] = [];
  const zero = r.curve[0];
  for (const p of r.curve) {
    const fleet = p.ap.fleet!;
    out.push({
      name: `learning.ap_1s.n${p.samples}`,
      value: round(fleet.mean),
      unit: 'AP',
      better: 'higher',
      note: `held-out fleet-world drives, mean of ${QUICK_FLEET_LEARNING.curve!.seeds.length} seeds [${round(fleet.min)}–${round(fleet.max)}]; same round without network data ${round(zero?.ap.fleet?.mean ?? Number.NaN)}; standard held-out ${round(p.ap.heldout!.mean)}`,
    });
  }
  const fleetCurrent = r.heldOutAp.find((h) => h.name === 'fleet')!;
  out.push({
    name: 'learning.ap_1s.current',
    value: round(fleetCurrent.current),
    unit: 'AP',
    better: 'higher',
    note: `${r.currentVersion} on the same held-out fleet-world clips (${fleetCurrent.positives} conflicts), no round`,
  });
  const g = r.gathered;
  out.push({
    name: 'learning.samples_admitted',
    value: g.samples,
    unit: 'samples',
    better: 'higher',
    note: `${g.positives} positive; ${g.withheldSamples} withheld below k=${QUICK_FLEET_LEARNING.k} cameras per (cell, day); ${g.duplicates} redelivered duplicates dropped`,
  });
  if (r.round) {
    const d = r.round.decision;
    out.push({
      name: 'learning.candidate_ships',
      value: d.ships ? 1 : 0,
      unit: '0/1',
      better: 'higher',
      note: d.reason,
    });
    out.push({
      name: 'learning.gate_ap_delta',
      value: round(d.apAtHorizon.delta),
      unit: 'AP',
      better: 'higher',
      note: `candidate − current, AP 1 s on ${d.drives} held-out drives (standard + fleet world), 95 % paired bootstrap [${round(d.apAtHorizon.deltaLow)}, ${round(d.apAtHorizon.deltaHigh)}]`,
    });
  }
  out.push({ name: 'learning.bench_s', value: round(r.seconds, 1), unit: 's', better: 'lower' });
  return out;
}
