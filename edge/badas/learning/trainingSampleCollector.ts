import type { Random } from '../../core/random.ts';
import { BadasFeatureWindow } from '../features.ts';
import type { LeadKinematicsFrame } from '../kinematics.ts';
import {
  DEFAULT_NEAR_MISS,
  type NearMissConfig,
  NearMissDetector,
  type NearMissEpisode,
} from '../nearMiss.ts';

/** Why a window was kept (contract `training_sample.trigger`). */
export type TrainingTrigger = 'alert' | 'near_miss' | 'random';

/** A model input window with its outcome: what the camera contributes to the next training round. */
export interface LabelledWindow {
  /** Sensor time of the window's last frame, seconds. */
  tS: number;
  trigger: TrainingTrigger;
  /** 1 when a near miss (measured TTC < 1.5 s, {@link NearMissDetector}) started within the horizon after `tS`. */
  label: 0 | 1;
  /** The model's input at `tS` (unquantised; the event quantises it). */
  features: Float32Array;
  /** The deployed model's score at `tS`. */
  score: number;
  /** Probability with which a window of this trigger is kept (the random share for negatives, else 1). */
  keptShare: number;
}

/** Settings of {@link TrainingSampleCollector}. */
export interface TrainingCollectorConfig {
  /**
   * Share of ordinary windows kept as a sample whatever happens next. Alerts and near misses
   * are the informative moments, but a model fitted only on them would never see ordinary
   * driving as the camera does; a small random share keeps the set honest about base rates.
   * The share travels with each sample (`keptShare`) so training can weigh it back.
   */
  randomShare: number;
  /** The label's horizon, s: the model's task is "a conflict starts within 3 s" (scenarios.ts `LABEL_HORIZON_S`). */
  horizonS: number;
  /**
   * For each near miss, the windows that ended this long before its onset, s: positives at the
   * horizons the model is judged at (AP at 0.5, 1, 1.5 s; 2 s and 2.5 s for earlier warnings).
   */
  nearMissLeadsS: readonly number[];
  /** A window needs this much history behind it, s (the model's window fills in its first second). */
  warmUpS: number;
  /** Windows waiting for their outcome, at most; the oldest give way (a bound for a camera's memory). */
  maxPending: number;
  /** How a near miss is measured: the same as `near_miss` events (edge/badas/nearMiss.ts). */
  nearMiss: NearMissConfig;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_TRAINING_COLLECTOR: TrainingCollectorConfig = {
  // At 10 Hz, 0.002 keeps about one window in 50 s of driving: ~70 an hour, a few kB.
  randomShare: 0.002,
  horizonS: 3,
  nearMissLeadsS: [0.5, 1, 1.5, 2, 2.5],
  warmUpS: 1,
  maxPending: 64,
  nearMiss: DEFAULT_NEAR_MISS,
};

/** What the deployed model did on a frame (from `BadasMonitor.push`'s step). */
export interface ObservedStep {
  score: number;
  /** The warning was raised on this frame (a `badas_alert` was emitted). */
  alertRaised: boolean;
}

interface Candidate {
  tS: number;
  trigger: TrainingTrigger;
  features: Float32Array;
  score: number;
  keptShare: number;
}

/**
 * The camera's half of learning from the fleet. Fed every frame with what the deployed model
 * did, it keeps the model's input window when the warning is raised, for a small random share
 * of ordinary frames, and — once a near miss is measured — the windows that preceded it; then
 * it labels each kept window by what happened in the 3 s after it: did a near miss (TTC < 1.5 s
 * held 0.3 s, or a collision) start? It is the label the model is trained on, measured on the
 * camera's own (noisy) kinematics, because the camera has no other truth.
 *
 * Windows inside a TTC dip are not kept (the conflict is under way; anticipation is about what
 * has not happened yet), and a window waits while a dip that started within its horizon is
 * still undecided. Portable and synchronous: no clock, randomness handed in.
 *
 * @example
 * const collector = new TrainingSampleCollector(platform.random);
 * const step = monitor.push(frame);
 * const done = collector.push(frame, { score: step.score, alertRaised: step.detections.some((d) => d.type === 'badas_alert') });
 */
export class TrainingSampleCollector {
  private readonly window = new BadasFeatureWindow();
  private readonly nearMiss: NearMissDetector;
  /** Recent windows, for the positives before a near miss. */
  private readonly recent: Candidate[] = [];
  private pending: Candidate[] = [];
  /** The windows before the dip in progress, kept until the dip is a near miss or is not. */
  private dip: { startS: number; windows: Candidate[] } | undefined;
  private firstS: number | undefined;

  constructor(
    private readonly random: Random,
    private readonly config: TrainingCollectorConfig = DEFAULT_TRAINING_COLLECTOR,
  ) {
    this.nearMiss = new NearMissDetector(config.nearMiss);
  }

  /**
   * Feeds one frame (times strictly increasing) and what the model did on it; returns the
   * windows whose outcome became known with this frame.
   *
   * @throws BadasError `BAD_FRAME`
   */
  push(frame: LeadKinematicsFrame, step: ObservedStep): LabelledWindow[] {
    const c = this.config;
    const t = frame.tS;
    this.firstS ??= t;
    const features = this.window.push(frame);
    const episode = this.nearMiss.push(frame);
    const dipStartS = this.nearMiss.dipStartS;
    const out: LabelledWindow[] = [];
    if (episode) this.settleEpisode(episode, out);
    if (dipStartS !== undefined && this.dip?.startS !== dipStartS)
      this.dip = { startS: dipStartS, windows: this.before(dipStartS) };
    if (dipStartS === undefined) this.dip = undefined;

    const here: Candidate = { tS: t, trigger: 'random', features, score: step.score, keptShare: 1 };
    this.recent.push(here);
    const keepS = Math.max(...c.nearMissLeadsS, 0) + 1.5;
    while (this.recent.length > 0 && this.recent[0]!.tS < t - keepS) this.recent.shift();

    // Negatives: the outcome is known once the horizon has passed with no dip begun in it, or
    // only a dip that ended without becoming a near miss.
    const open = this.pending;
    this.pending = [];
    for (const p of open) {
      const undecided = dipStartS !== undefined && dipStartS <= p.tS + c.horizonS;
      if (t - p.tS > c.horizonS && !undecided) out.push(labelled(p, 0));
      else this.pending.push(p);
    }

    if (dipStartS === undefined && t - this.firstS >= c.warmUpS) {
      let kept: Candidate | undefined;
      if (step.alertRaised) kept = { ...here, trigger: 'alert' };
      else if (this.random.next() < c.randomShare)
        kept = { ...here, trigger: 'random', keptShare: c.randomShare };
      if (kept) {
        this.pending.push(kept);
        if (this.pending.length > c.maxPending) this.pending.shift();
      }
    }
    return out;
  }

  /** Ends the stream: a near miss still in progress is settled; windows whose 3 s have not passed are dropped (no outcome). */
  flush(): LabelledWindow[] {
    const out: LabelledWindow[] = [];
    const episode = this.nearMiss.flush();
    if (episode) this.settleEpisode(episode, out);
    this.pending = [];
    this.dip = undefined;
    return out;
  }

  private settleEpisode(e: NearMissEpisode, out: LabelledWindow[]): void {
    const open = this.pending;
    this.pending = [];
    const taken = new Set<number>();
    for (const p of open) {
      if (e.startS > p.tS && e.startS - p.tS <= this.config.horizonS) {
        out.push(labelled(p, 1));
        taken.add(p.tS);
      } else this.pending.push(p);
    }
    // An alert window that is also one of the near miss's lead windows is contributed once.
    if (this.dip?.startS === e.startS)
      for (const w of this.dip.windows) if (!taken.has(w.tS)) out.push(labelled(w, 1));
    this.dip = undefined;
  }

  /** The windows that ended the configured leads before `onsetS` (each the last at or before that time). */
  private before(onsetS: number): Candidate[] {
    const out: Candidate[] = [];
    for (const leadS of this.config.nearMissLeadsS) {
      const at = onsetS - leadS;
      let found: Candidate | undefined;
      for (const r of this.recent) {
        if (r.tS > at + 1e-9) break;
        found = r;
      }
      // A window from well before the lead (a frame gap) or from the warm-up is not the moment asked for.
      if (!found || at - found.tS > 0.25 || found.tS - (this.firstS ?? found.tS) < this.config.warmUpS)
        continue;
      if (out.some((w) => w.tS === found.tS)) continue;
      out.push({ ...found, trigger: 'near_miss', keptShare: 1 });
    }
    return out;
  }
}

function labelled(c: Candidate, label: 0 | 1): LabelledWindow {
  return {
    tS: c.tS,
    trigger: c.trigger,
    label,
    features: c.features,
    score: c.score,
    keptShare: c.keptShare,
  };
}
