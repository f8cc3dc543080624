import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { encodePriorTile } from '../../../lib/priors/priorTile.ts';
import { CMU_DATASET, cmuRoot, loadCmuDrive } from '../../../test/real/cmuDrives.ts';
import { realDataMissing } from '../../../test/real/realDataRoot.ts';
import { createSeededRandom } from '../../core/random.ts';
import type { FilteredFix } from '../../sensors/samples.ts';
import { createPortableBadasScorer } from '../badasScorer.ts';
import { BadasStage, type FrameResult } from '../badasStage.ts';
import { readBadasModel } from '../modelFile.ts';
import { ConflictPriors } from './conflictPriors.ts';

const root = cmuRoot();
const FILE = '03_26_trip1_sensors.csv.gz';

/** Tiles giving `cells` (res 8) three times the regional rate, one tile per res-4 parent. */
function tilesFor(cells: readonly string[]): ConflictPriors {
  const byParent = new Map<string, string[]>();
  for (const c of cells) byParent.set(cellToParent(c, 4), [...(byParent.get(cellToParent(c, 4)) ?? []), c]);
  const priors = new ConflictPriors();
  for (const [parent, children] of byParent)
    priors.addVerifiedTile(
      encodePriorTile({
        parent,
        cellRes: 8,
        unit: 'hour',
        regionalRate: 1,
        cells: children.map((cell) => ({ cell, logRateRatio: Math.log(3), evidenceWeight: 0.8 })),
      }),
    );
  return priors;
}

/**
 * The real drive's GPS (a phone receiver: 1 Hz, noisy, gaps at stops) with a synthetic lead
 * followed at ~20 m, through a plain stage and a prior-aware one side by side. Returns per frame
 * both results and the res-8 cell of the fix the stage last saw.
 */
function drive(priors: ConflictPriors) {
  const d = loadCmuDrive(root!, FILE);
  const plain = new BadasStage(createPortableBadasScorer(readBadasModel()));
  const aware = new BadasStage(createPortableBadasScorer(readBadasModel()));
  aware.setConflictPriors(priors);
  const rnd = createSeededRandom('priors-real');
  const out: { cell: string | undefined; plain: FrameResult | string; aware: FrameResult | string }[] = [];
  let g = 0;
  let cell: string | undefined;
  for (let tMs = d.gps[0]!.tMs; tMs < d.gps.at(-1)!.tMs; tMs += 100) {
    while (g < d.gps.length && d.gps[g]!.tMs <= tMs) {
      const f = d.gps[g++]!;
      const fix: FilteredFix = {
        tMs: f.tMs,
        lat: f.lat,
        lng: f.lng,
        speedMps: f.speedMps ?? 0,
        headingDeg: f.headingDeg ?? 0,
        speedDerived: f.speedMps === undefined,
      };
      plain.noteGps(fix, undefined);
      aware.noteGps(fix, undefined);
      cell = latLngToCell(f.lat, f.lng, 8);
    }
    const lead = {
      leadGapM: 20 * (1 + 0.03 * (rnd.next() - 0.5)),
      leadClosingMps: 0.6 * Math.sin(tMs / 4000),
    };
    out.push({ cell, plain: plain.push(tMs, lead), aware: aware.push(tMs, lead) });
  }
  return { d, out };
}

describe.skipIf(!root)(
  `conflict priors on a real GPS trace (${realDataMissing(CMU_DATASET)} if absent)`,
  () => {
    it('shifts the score only while the last fix is in a covered cell, and is the plain stage elsewhere', () => {
      const d = loadCmuDrive(root!, FILE);
      const visited = [...new Set(d.gps.map((f) => latLngToCell(f.lat, f.lng, 8)))];
      const covered = new Set(visited.slice(0, Math.ceil(visited.length / 2)));
      const { out } = drive(tilesFor([...covered]));
      let inCovered = 0;
      let elsewhere = 0;
      for (const o of out) {
        if (typeof o.plain === 'string' || typeof o.aware === 'string') {
          expect(o.aware).toBe(o.plain);
          continue;
        }
        if (o.cell && covered.has(o.cell)) {
          inCovered++;
          expect(o.aware.step.prior?.shiftLogit).toBeCloseTo(Math.log(3), 1);
          expect(o.aware.step.prior?.modelScore).toBe(o.plain.step.score);
          expect(o.aware.step.score).toBeGreaterThanOrEqual(o.plain.step.score);
        } else {
          elsewhere++;
          expect(o.aware.step.prior).toBeUndefined();
          expect(o.aware.step.score).toBe(o.plain.step.score);
        }
      }
      expect(inCovered).toBeGreaterThan(0.1 * out.length);
      expect(elsewhere).toBeGreaterThan(0.1 * out.length);
    });

    it('is exactly the plain stage when the tiles cover none of the roads driven', () => {
      const d = loadCmuDrive(root!, FILE);
      const visited = new Set(d.gps.map((f) => latLngToCell(f.lat, f.lng, 8)));
      // The tile is for the area driven in, and lists only a cell of it the drive never entered.
      const parent = cellToParent([...visited][0]!, 4);
      const other = cellToChildren(parent, 8).find((c) => !visited.has(c))!;
      const priors = tilesFor([other]);
      expect(priors.ofCell(other)).toBeDefined();
      const { out } = drive(priors);
      expect(out.map((o) => o.aware)).toEqual(out.map((o) => o.plain));
    });
  },
);
