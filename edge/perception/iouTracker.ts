import { ROAD_USER_CLASSES, VEHICLE_CLASSES } from './cocoClasses.ts';
import { type Detection, iou, type PixelBox } from './detection.ts';
import { PerceptionError } from './perceptionError.ts';

/** Tracker settings. */
export interface TrackerConfig {
  /** A detection continues a track when their boxes overlap at least this much. */
  minIou: number;
  /** Consecutive hits before a new track is reported (birth hysteresis). */
  confirmHits: number;
  /** A confirmed track survives this long without a hit (death hysteresis), seconds. */
  maxCoastS: number;
  /** Observations kept per track for box-growth estimates, seconds. */
  historyS: number;
  /** Only these classes are tracked. */
  classes: ReadonlySet<string>;
}

/**
 * Defaults for 5–30 fps. 0.3 IoU: at 5 fps a car 10 m ahead changing lanes moves ~a third of its
 * width between frames. Three hits in a row to be born drops the single-frame false boxes a small
 * detector makes (tree trunks as people); 0.5 s of coasting bridges the dropouts small detectors
 * have on a vehicle for a few frames (shadows, glare) without keeping a departed car for long.
 */
export const DEFAULT_TRACKER_CONFIG: TrackerConfig = {
  minIou: 0.3,
  confirmHits: 3,
  maxCoastS: 0.5,
  historyS: 2,
  classes: ROAD_USER_CLASSES,
};

/** One observation of a track. */
export interface TrackObservation {
  tS: number;
  box: PixelBox;
  score: number;
}

/** A tracked object as the tracker reports it. */
export interface Track {
  /** Stable for the life of the track, unique per tracker. */
  id: number;
  /** The class with the highest summed score over the track's hits (a car seen once as a truck stays a car). */
  className: string;
  /** `true` once born; tentative tracks are never reported. */
  confirmed: boolean;
  /** Last matched box. */
  box: PixelBox;
  firstSeenS: number;
  lastSeenS: number;
  /** Matched observations, oldest first, spanning at most `historyS`. */
  history: readonly TrackObservation[];
}

interface TrackState {
  id: number;
  confirmed: boolean;
  hits: number;
  classScores: Map<string, number>;
  history: TrackObservation[];
  firstSeenS: number;
}

/** Whether a detection of class `b` may continue a track of class `a`. */
function compatible(a: string, b: string): boolean {
  // Small detectors flip between car, truck and bus on one vehicle; a person never becomes one.
  return a === b || (VEHICLE_CLASSES.has(a) && VEHICLE_CLASSES.has(b));
}

/**
 * Multi-object tracker by box overlap: each frame, detections are matched to live tracks greedily
 * by IoU (highest first); unmatched detections start tentative tracks, which are born after
 * `confirmHits` hits in a row and die on the first miss; confirmed tracks die after `maxCoastS`
 * without a hit. Deterministic and allocation-light, for the camera's QuickJS runtime.
 *
 * @example
 * const tracker = new IouTracker();
 * for (const frame of frames) for (const t of tracker.update(frame.tS, frame.detections)) use(t);
 */
export class IouTracker {
  private readonly config: TrackerConfig;
  private live: TrackState[] = [];
  private nextId = 1;
  private lastTS = Number.NEGATIVE_INFINITY;

  constructor(config: Partial<TrackerConfig> = {}) {
    this.config = { ...DEFAULT_TRACKER_CONFIG, ...config };
    const { minIou, confirmHits, maxCoastS, historyS } = this.config;
    if (!(minIou > 0 && minIou < 1) || !(confirmHits >= 1) || !(maxCoastS >= 0) || !(historyS > 0)) {
      throw new PerceptionError(
        'BAD_CONFIG',
        `tracker settings out of range: ${JSON.stringify(this.config)}`,
      );
    }
  }

  /**
   * Feeds one frame's detections (any order) taken at `tS` seconds; returns the confirmed tracks
   * alive after it, including those coasting through a miss (their `lastSeenS` tells).
   *
   * @throws PerceptionError `BAD_TIME` when `tS` is not after the previous frame
   */
  update(tS: number, detections: readonly Detection[]): Track[] {
    if (!Number.isFinite(tS) || tS <= this.lastTS) {
      throw new PerceptionError('BAD_TIME', `frame time ${tS} s is not after the previous ${this.lastTS} s`);
    }
    this.lastTS = tS;
    const dets = detections.filter((d) => this.config.classes.has(d.className));

    const pairs: { t: number; d: number; overlap: number }[] = [];
    this.live.forEach((track, t) => {
      const last = track.history.at(-1)!;
      const cls = className(track);
      dets.forEach((det, d) => {
        if (!compatible(cls, det.className)) return;
        const overlap = iou(last.box, det.box);
        if (overlap >= this.config.minIou) pairs.push({ t, d, overlap });
      });
    });
    // Ties broken by index so the result never depends on sort stability.
    pairs.sort((a, b) => b.overlap - a.overlap || a.t - b.t || a.d - b.d);
    const trackHit = new Set<number>();
    const detUsed = new Set<number>();
    for (const p of pairs) {
      if (trackHit.has(p.t) || detUsed.has(p.d)) continue;
      trackHit.add(p.t);
      detUsed.add(p.d);
      this.hit(this.live[p.t]!, tS, dets[p.d]!);
    }

    this.live = this.live.filter((track, t) => {
      if (trackHit.has(t)) return true;
      if (!track.confirmed) return false;
      return tS - track.history.at(-1)!.tS <= this.config.maxCoastS;
    });
    dets.forEach((det, d) => {
      if (detUsed.has(d)) return;
      const track: TrackState = {
        id: this.nextId++,
        confirmed: false,
        hits: 0,
        classScores: new Map(),
        history: [],
        firstSeenS: tS,
      };
      this.hit(track, tS, det);
      this.live.push(track);
    });

    return this.live.filter((t) => t.confirmed).map(toTrack);
  }

  private hit(track: TrackState, tS: number, det: Detection): void {
    track.hits++;
    if (track.hits >= this.config.confirmHits) track.confirmed = true;
    track.classScores.set(det.className, (track.classScores.get(det.className) ?? 0) + det.score);
    track.history.push({ tS, box: det.box, score: det.score });
    while (track.history.length > 1 && tS - track.history[0]!.tS > this.config.historyS)
      track.history.shift();
  }
}

function className(track: TrackState): string {
  let best = '';
  let bestScore = -1;
  for (const [cls, score] of track.classScores) {
    if (score > bestScore) {
      best = cls;
      bestScore = score;
    }
  }
  return best;
}

function toTrack(state: TrackState): Track {
  const last = state.history.at(-1)!;
  return {
    id: state.id,
    className: className(state),
    confirmed: state.confirmed,
    box: last.box,
    firstSeenS: state.firstSeenS,
    lastSeenS: last.tS,
    history: [...state.history],
  };
}
