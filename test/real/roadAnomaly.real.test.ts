import { describe, expect, it } from 'vitest';
import { cmuRoot } from './cmuDrives.ts';
import { GONZALEZ_DATASET, gonzalezRoot, loadGonzalezClips } from './gonzalez2017.ts';
import { JUNIOR_DATASET, juniorRoot } from './junior2017.ts';
import { realDataMissing } from './realDataRoot.ts';
import {
  balancedKindAccuracy,
  clipFalseRate,
  clipRecall,
  evaluateClips,
  evaluateCmu,
  evaluateManoeuvreReports,
  isBadRoad,
  isGoodRoad,
  isPotholeRoute,
  kindAccuracy,
  pressPrecision,
  pressRecall,
  unmatchedPerKm,
} from './roadAnomalyEvaluation.ts';

/*
 * The road-anomaly detector against the plain baseline ("|a| − median > 0.25 g") on
 * real recordings: Gonzalez et al. 2017's labelled clips (loose phones, 50 Hz, decimated) and
 * Bhatt, Mani, Xi, Kolter 2017's iPhone drives (5 Hz, passenger pothole presses). The clips
 * are split into two halves by length group (copies of one event from the five phones share
 * a length), and the detector must beat the baseline on each half separately.
 */

const clipsDir = gonzalezRoot();

describe.skipIf(!clipsDir)(
  `road anomalies on the labelled clips (${realDataMissing(GONZALEZ_DATASET)} if absent)`,
  () => {
    const clips = clipsDir ? loadGonzalezClips(clipsDir) : [];

    it('reads all 500 clips, 100 per class', () => {
      expect(clips).toHaveLength(500);
      expect(clips.filter((c) => c.cls === 'potholes')).toHaveLength(100);
    });

    for (const rateHz of [50, 5]) {
      for (const fold of [0, 1] as const) {
        it(`beats the baseline at ${rateHz} Hz on held-out half ${fold}: recall, false rate, pothole vs bump (plain and balanced)`, () => {
          const { detector, baseline } = evaluateClips(clips, rateHz, fold);
          expect(clipRecall(detector)).toBeGreaterThan(clipRecall(baseline) + 0.05);
          expect(clipFalseRate(detector)).toBeLessThan(clipFalseRate(baseline));
          expect(kindAccuracy(detector)).toBeGreaterThan(kindAccuracy(baseline) + 0.05);
          expect(balancedKindAccuracy(detector)).toBeGreaterThan(balancedKindAccuracy(baseline));
        });
      }
    }

    it('keeps floors with margin: 50 Hz recall ≥ 0.8 at a false rate ≤ 0.35; 5 Hz recall ≥ 0.5 at ≤ 0.22', () => {
      const at50 = evaluateClips(clips, 50).detector;
      const at5 = evaluateClips(clips, 5).detector;
      expect(clipRecall(at50)).toBeGreaterThanOrEqual(0.8);
      expect(clipFalseRate(at50)).toBeLessThanOrEqual(0.35);
      expect(clipRecall(at5)).toBeGreaterThanOrEqual(0.5);
      expect(clipFalseRate(at5)).toBeLessThanOrEqual(0.22);
      expect(kindAccuracy(at50)).toBeGreaterThanOrEqual(0.72);
    });
  },
);

const cmuDir = cmuRoot();

describe.skipIf(!cmuDir)(
  `road anomalies on the CMU drives (${realDataMissing('cmu-phone-drives')} if absent)`,
  () => {
    it('finds as many pressed potholes as the baseline, with more precision and fewer unmatched reports', () => {
      const { detector, baseline } = evaluateCmu(cmuDir as string, isPotholeRoute);
      expect(detector.presses).toBe(49);
      // Recall is at parity within two presses (35 vs 33 of 49 with one mount calibration,
      // 33 vs 33 with the next): 49 presses cannot separate the two; precision and false
      // reports per km can.
      expect(pressRecall(detector)).toBeGreaterThanOrEqual(pressRecall(baseline) - 2 / 49);
      expect(pressPrecision(detector)).toBeGreaterThan(pressPrecision(baseline) + 0.03);
      expect(unmatchedPerKm(detector)).toBeLessThan(0.9 * unmatchedPerKm(baseline));
    });

    it('reports under 0.5 per km on good roads and at least 10× more on bad roads, half the baseline there', () => {
      const good = evaluateCmu(cmuDir as string, isGoodRoad);
      const bad = evaluateCmu(cmuDir as string, isBadRoad);
      const perKm = (s: { detections: number; km: number }) => s.detections / s.km;
      expect(perKm(good.detector)).toBeLessThan(0.5);
      expect(perKm(good.detector)).toBeLessThanOrEqual(perKm(good.baseline));
      expect(perKm(bad.detector)).toBeGreaterThan(10 * perKm(good.detector));
      expect(perKm(bad.detector)).toBeLessThan(0.6 * perKm(bad.baseline));
    });
  },
);

const juniorDir = juniorRoot();

describe.skipIf(!juniorDir)(
  `road anomalies during labelled manoeuvres (${realDataMissing(JUNIOR_DATASET)} if absent)`,
  () => {
    it('mistakes under half as many brakes, turns and lane changes for road anomalies as the baseline', () => {
      const r = evaluateManoeuvreReports(juniorDir as string);
      expect(r.manoeuvres).toBe(53);
      expect(r.detector.inManoeuvres).toBeLessThan(0.5 * r.baseline.inManoeuvres);
      expect(r.detector.total).toBeLessThan(0.6 * r.baseline.total);
    });
  },
);
