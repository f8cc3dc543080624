import { describe, expect, it } from 'vitest';
import type { Random } from '../../core/random.ts';
import type { LeadKinematicsFrame } from '../kinematics.ts';
import {
  DEFAULT_TRAINING_COLLECTOR,
  type LabelledWindow,
  TrainingSampleCollector,
} from './trainingSampleCollector.ts';

const never: Random = { next: () => 0.999 };
const always: Random = { next: () => 0 };
const HZ = 10;

/** Frames at 10 Hz from 0 to `endS`; `lead(t)` gives the gap and closing speed at t. */
function drive(
  endS: number,
  lead: (tS: number) => { gapM: number; closingMps: number },
): LeadKinematicsFrame[] {
  const out: LeadKinematicsFrame[] = [];
  for (let i = 1; i <= endS * HZ; i++) {
    const tS = i / HZ;
    const { gapM, closingMps } = lead(tS);
    out.push({ tS, egoSpeedMps: 20, egoAccelMps2: 0, leadGapM: gapM, leadClosingMps: closingMps });
  }
  return out;
}

const following = () => ({ gapM: 30, closingMps: 0 });
/** Following at 30 m, then from 6.5 s to 7.5 s a TTC of 1 s (a near miss), then following again. */
const closeCall = (tS: number) => (tS >= 6.5 && tS < 7.5 ? { gapM: 8, closingMps: 8 } : following());

function run(
  frames: LeadKinematicsFrame[],
  random: Random,
  alertAtS?: number,
  config = DEFAULT_TRAINING_COLLECTOR,
): LabelledWindow[] {
  const c = new TrainingSampleCollector(random, config);
  const out: LabelledWindow[] = [];
  for (const f of frames)
    out.push(...c.push(f, { score: 0.5, alertRaised: Math.abs(f.tS - (alertAtS ?? -9)) < 1e-6 }));
  out.push(...c.flush());
  return out;
}

describe('TrainingSampleCollector', () => {
  it('labels an alert followed by a near miss within 3 s as positive', () => {
    const out = run(drive(12, closeCall), never, 5);
    const alert = out.filter((w) => w.trigger === 'alert');
    expect(alert).toHaveLength(1);
    expect(alert[0]).toMatchObject({ tS: 5, label: 1, keptShare: 1 });
  });

  it('labels an alert followed by nothing as negative', () => {
    const out = run(drive(12, following), never, 5);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ trigger: 'alert', tS: 5, label: 0 });
  });

  it('labels an alert whose near miss starts more than 3 s later as negative', () => {
    const out = run(drive(12, closeCall), never, 3);
    expect(out.find((w) => w.trigger === 'alert')).toMatchObject({ tS: 3, label: 0 });
  });

  it('keeps the windows before a near miss as positives, one per lead time', () => {
    const out = run(drive(12, closeCall), never);
    const nearMiss = out.filter((w) => w.trigger === 'near_miss');
    expect(nearMiss.map((w) => w.tS)).toEqual([6, 5.5, 5, 4.5, 4]);
    expect(nearMiss.every((w) => w.label === 1 && w.features.length === 18)).toBe(true);
  });

  it('keeps no window for a TTC dip too short to be a near miss', () => {
    const blip = (tS: number) => (tS >= 6.5 && tS < 6.65 ? { gapM: 8, closingMps: 8 } : following());
    expect(run(drive(12, blip), never)).toEqual([]);
  });

  it('keeps random windows at the injected share and labels them by what followed', () => {
    const out = run(drive(14, closeCall), always, undefined, {
      ...DEFAULT_TRAINING_COLLECTOR,
      randomShare: 0.25,
    });
    const random = out.filter((w) => w.trigger === 'random');
    expect(random.every((w) => w.keptShare === 0.25)).toBe(true);
    // Before the dip: positive within 3 s of its onset (6.5 s), negative before that.
    expect(random.find((w) => w.tS === 4)?.label).toBe(1);
    expect(random.find((w) => w.tS === 3)?.label).toBe(0);
    // Nothing while the near miss is open (until 1 s after the TTC recovers); after it,
    // negatives whose 3 s passed before the end of the drive.
    expect(random.some((w) => w.tS >= 6.5 && w.tS < 8.5)).toBe(false);
    expect(random.find((w) => w.tS === 9)?.label).toBe(0);
    expect(random.some((w) => w.tS > 11)).toBe(false);
  });

  it('keeps nothing from the warm-up second', () => {
    const out = run(drive(6, following), always, undefined, {
      ...DEFAULT_TRAINING_COLLECTOR,
      randomShare: 1,
    });
    expect(Math.min(...out.map((w) => w.tS))).toBeGreaterThanOrEqual(1.1);
  });
});
