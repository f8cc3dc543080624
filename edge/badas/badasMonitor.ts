import type { TilePrior } from '../../lib/priors/priorTile.ts';
import { AlertHysteresis } from './alertHysteresis.ts';
import type { BadasOperatingPoint, BadasScorer } from './badasScorer.ts';
import { BadasFeatureWindow } from './features.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';
import {
  DEFAULT_NEAR_MISS,
  type NearMissConfig,
  NearMissDetector,
  type NearMissEpisode,
} from './nearMiss.ts';
import {
  DEFAULT_PRIOR_ADJUST,
  type PriorAdjustConfig,
  priorShiftLogit,
  shiftScore,
} from './priors/priorAdjustment.ts';

/** A conflict that happened (TTC < 1.5 s), as the camera detected it. Event `near_miss` of contract §2. */
export interface NearMissDetection {
  type: 'near_miss';
  /** Sensor time the conflict started, ms. */
  tMs: number;
  ttcS: number;
  /** Highest BADAS score in the 3 s before the conflict: did the model see it coming? */
  badasScore: number;
}

/** The camera warned the driver. Event `badas_alert` of contract §2. */
export interface BadasAlertDetection {
  type: 'badas_alert';
  /** Sensor time the alert was raised, ms. */
  tMs: number;
  score: number;
  modelVersion: string;
}

/** What {@link BadasMonitor} emits; plain objects, for the pipeline to position and redact. */
export type BadasDetection = NearMissDetection | BadasAlertDetection;

/** The driver-warning callback's argument: raised (`active`) or cleared. */
export interface DriverWarning {
  tMs: number;
  active: boolean;
  score: number;
}

/** Options of {@link BadasMonitor}. */
export interface BadasMonitorOptions {
  /** Defaults to the operating point the model carries. */
  operatingPoint?: BadasOperatingPoint;
  nearMiss?: NearMissConfig;
  /** Called synchronously when the warning is raised and when it clears. */
  onDriverWarning?: (warning: DriverWarning) => void;
  /** How a cell's conflict prior moves the score (see {@link BadasMonitor.setCellPrior}). */
  priorAdjust?: PriorAdjustConfig;
}

/** The result of one frame. */
export interface BadasStep {
  /** The conflict probability the alert was decided on: the model's, shifted by the cell's prior if any. */
  score: number;
  alert: boolean;
  detections: BadasDetection[];
  /**
   * Present only when a conflict prior moved the score: the logit shift applied, and the model's
   * own score before it. Absent, `score` is the plain model's.
   */
  prior?: { shiftLogit: number; modelScore: number };
}

/** Scores are kept this long to report the pre-conflict maximum in `near_miss.badasScore`. */
const SCORE_MEMORY_S = 3;

/**
 * BADAS stage 2 on the camera: fed the lead kinematics of each frame, it scores the risk of a
 * conflict in the next 3 s, raises and clears the driver warning with hysteresis, and emits
 * `badas_alert` (on each raise) and `near_miss` (each conflict that happened, measured on the
 * same kinematics) detections with the frame's sensor time. Portable and synchronous: one
 * `push` per frame, no clock of its own.
 *
 * @example
 * const monitor = new BadasMonitor(createPortableBadasScorer(bytes), { onDriverWarning: ui.beep });
 * for (const frame of perception) pipeline.add(...monitor.push(frame).detections);
 * pipeline.add(...monitor.flush());
 */
export class BadasMonitor {
  private readonly window = new BadasFeatureWindow();
  private readonly hysteresis: AlertHysteresis;
  private readonly nearMiss: NearMissDetector;
  private readonly recent: { tS: number; score: number }[] = [];
  /** Highest score in the 3 s before the TTC dip in progress, taken when the dip starts. */
  private dip: { startS: number; scoreBefore: number } | undefined;
  private shiftLogit = 0;

  constructor(
    private readonly scorer: BadasScorer,
    private readonly options: BadasMonitorOptions = {},
  ) {
    this.hysteresis = new AlertHysteresis(options.operatingPoint ?? scorer.operatingPoint);
    this.nearMiss = new NearMissDetector(options.nearMiss ?? DEFAULT_NEAR_MISS);
  }

  /**
   * The conflict prior of the road the camera is on now (its res-8 cell's, from the tile), or
   * undefined on a road the tile does not cover or without a tile: then every later frame is
   * scored exactly as by the plain model. Takes effect from the next frame.
   */
  setCellPrior(prior: TilePrior | undefined): void {
    this.shiftLogit = priorShiftLogit(prior, this.options.priorAdjust ?? DEFAULT_PRIOR_ADJUST);
  }

  /**
   * Feeds one frame (times strictly increasing).
   *
   * @throws BadasError `BAD_FRAME`
   */
  push(frame: LeadKinematicsFrame): BadasStep {
    const modelScore = this.scorer.score(this.window.push(frame));
    const shiftLogit = this.shiftLogit;
    const score = shiftScore(modelScore, shiftLogit);
    this.recent.push({ tS: frame.tS, score });
    while (this.recent.length > 0 && this.recent[0]!.tS < frame.tS - SCORE_MEMORY_S) this.recent.shift();
    const detections: BadasDetection[] = [];
    const step = this.hysteresis.update(frame.tS, score);
    const tMs = Math.round(frame.tS * 1000);
    if (step.changed) {
      this.options.onDriverWarning?.({ tMs, active: step.active, score });
      if (step.active)
        detections.push({ type: 'badas_alert', tMs, score, modelVersion: this.scorer.modelVersion });
    }
    const episode = this.nearMiss.push(frame);
    const dipStartS = this.nearMiss.dipStartS;
    if (dipStartS !== undefined && this.dip?.startS !== dipStartS) {
      let before = 0;
      for (const r of this.recent) before = Math.max(before, r.score);
      this.dip = { startS: dipStartS, scoreBefore: before };
    }
    if (episode) detections.push(this.toNearMiss(episode));
    const out: BadasStep = { score, alert: step.active, detections };
    if (shiftLogit !== 0) out.prior = { shiftLogit, modelScore };
    return out;
  }

  /** Ends the stream: reports a near miss still in progress. */
  flush(): BadasDetection[] {
    const episode = this.nearMiss.flush();
    return episode ? [this.toNearMiss(episode)] : [];
  }

  private toNearMiss(e: NearMissEpisode): NearMissDetection {
    const badasScore = this.dip?.startS === e.startS ? this.dip.scoreBefore : 0;
    return {
      type: 'near_miss',
      tMs: Math.round(e.startS * 1000),
      ttcS: Math.round(e.minTtcS * 100) / 100,
      badasScore,
    };
  }
}
