/** What a rule sees of one window of one cluster. */
export interface WindowEvidence {
  /** Distinct cameras that gave the signal. */
  cameras: number;
}

export interface RuleDecision {
  raise: boolean;
  /** 0..1: how sure the network is that the hazard is real. */
  confidence: number;
}

/** A hazard rule decides from a window's evidence whether it is a hazard. */
export interface HazardRule {
  readonly name: string;
  decide(evidence: WindowEvidence): RuleDecision;
}

/**
 * The plain rule: at least `minCameras` distinct cameras in the window. Confidence grows with
 * the evidence beyond the threshold: 0.5 at the threshold, ~0.75 at 1.5×, ~0.94 at 2×.
 */
export function countRule(minCameras: number): HazardRule {
  return {
    name: `count>=${minCameras}`,
    decide({ cameras }) {
      const raise = cameras >= minCameras;
      const confidence = 1 - 0.5 ** Math.max(0, (cameras / minCameras - 1) * 4 + 1);
      return { raise, confidence: Math.round(confidence * 1000) / 1000 };
    },
  };
}
