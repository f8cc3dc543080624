import { type Detection, iou, type PixelBox } from '../detection.ts';

/** What one detection turned out to be against the labels. */
export type MatchOutcome = 'hit' | 'false_alarm' | 'ignored';

/** Hits and misses of detections against labelled boxes at one IoU threshold. */
export interface MatchResult {
  /** Outcome per detection, in the order of the detections given. */
  outcomes: MatchOutcome[];
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/**
 * Matches detections to labels greedily by score (the PASCAL VOC / COCO rule): each label is
 * taken by at most one detection, the best-scoring first, at IoU ≥ `minIou`. An unmatched
 * detection whose centre lies in an `ignore` region counts as neither hit nor false alarm.
 */
export function matchDetections(
  detections: readonly Detection[],
  labels: readonly PixelBox[],
  ignore: readonly PixelBox[],
  minIou = 0.5,
): MatchResult {
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.score - detections[a]!.score);
  const outcomes: MatchOutcome[] = detections.map(() => 'false_alarm');
  const taken = new Set<number>();
  for (const i of order) {
    const d = detections[i]!;
    let bestIou = minIou;
    let best = -1;
    labels.forEach((label, j) => {
      const v = iou(d.box, label);
      if (!taken.has(j) && v >= bestIou) {
        bestIou = v;
        best = j;
      }
    });
    if (best >= 0) {
      taken.add(best);
      outcomes[i] = 'hit';
    } else if (ignore.some((r) => contains(r, d.box.x + d.box.w / 2, d.box.y + d.box.h / 2))) {
      outcomes[i] = 'ignored';
    }
  }
  const truePositives = outcomes.filter((o) => o === 'hit').length;
  return {
    outcomes,
    truePositives,
    falsePositives: outcomes.filter((o) => o === 'false_alarm').length,
    falseNegatives: labels.length - truePositives,
  };
}

/**
 * Average precision (all-point interpolated, as PASCAL VOC 2010+) from scored outcomes pooled
 * over images and the total number of labels. Threshold-free, so two detectors with different
 * score scales compare fairly.
 */
export function averagePrecision(
  scored: readonly { score: number; outcome: MatchOutcome }[],
  labelCount: number,
): number {
  if (labelCount === 0) return 0;
  const ranked = scored.filter((s) => s.outcome !== 'ignored').sort((a, b) => b.score - a.score);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  ranked.forEach((s, i) => {
    if (s.outcome === 'hit') tp++;
    recall.push(tp / labelCount);
    precision.push(tp / (i + 1));
  });
  // Precision envelope: the best precision at this recall or any higher one.
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < ranked.length; i++) {
    ap += (recall[i]! - prevRecall) * precision[i]!;
    prevRecall = recall[i]!;
  }
  return ap;
}

function contains(r: PixelBox, x: number, y: number): boolean {
  return x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h;
}
