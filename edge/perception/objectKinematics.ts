import { type CameraGeometry, focalLengths } from './cameraGeometry.ts';
import { TYPICAL_HEIGHT_M } from './cocoClasses.ts';
import type { Track, TrackObservation } from './iouTracker.ts';

/** Settings of the per-object estimates. */
export interface KinematicsConfig {
  /**
   * Half-width of the ego corridor at the object's range, metres: an object whose centre is
   * within it is in the ego path. 1.8 m = half a 3.6 m motorway lane.
   */
  corridorHalfWidthM: number;
  /** Box heights over this span feed the scale-change fit, seconds… */
  ttcWindowS: number;
  /** …extended back (within the track's history) until it holds this many observations. */
  fitObservations: number;
  /** The fit needs at least this many observations spanning at least `minSpanS`. */
  minObservations: number;
  minSpanS: number;
  /** Times-to-collision above this are reported as none (the object is effectively not closing). */
  maxTtcS: number;
}

/**
 * 1 s of box heights, at least 8 of them: at 10 fps and 2 % edge jitter the growth rate has a
 * standard error of ~0.03 /s, i.e. ±15 % on a 5 s TTC, while a braking lead's TTC still shows
 * within a second. At 5 fps, or with missed frames, 1 s holds 3–5 boxes and the rate's error
 * doubles, so the window reaches further back for 8 (the lag correction keeps it unbiased
 * under constant closing speed).
 */
export const DEFAULT_KINEMATICS_CONFIG: KinematicsConfig = {
  corridorHalfWidthM: 1.8,
  ttcWindowS: 1,
  fitObservations: 8,
  minObservations: 3,
  minSpanS: 0.25,
  maxTtcS: 60,
};

/** Ego motion at the frame, for bending the corridor through a curve. */
export interface EgoMotion {
  speedMps: number;
  /** Yaw rate, rad/s, positive turning left; absent when unknown (straight corridor). */
  yawRateRps?: number;
}

/** What perception knows about one tracked object at one frame. */
export interface ObjectKinematics {
  trackId: number;
  className: string;
  /** Angle of the box centre from the optical axis, degrees, positive to the right. */
  bearingDeg: number;
  /** Camera to the object's visible face, metres, from its box height and class height. */
  rangeM: number;
  /** Lateral offset of the box centre from the camera axis at that range, metres, positive right. */
  lateralM: number;
  /** Whether the object is in the ego corridor (bent along the ego's turn when the yaw rate is known). */
  inEgoCorridor: boolean;
  /** Bumper-to-bumper distance, metres: range minus the camera's setback, at least 0. */
  gapM: number;
  /** Time since the detector last saw it, s (0 when seen this frame); range and TTC are predicted. */
  coastS: number;
  /** Time to collision from box growth, seconds; absent when not closing or not yet measurable. */
  ttcS?: number;
  /** Closing speed, m/s, positive when approaching; absent until the growth rate is measurable. */
  closingMps?: number;
}

/** Box-height growth fitted over a window. */
export interface HeightGrowth {
  /** d ln(h)/dt, 1/s: positive while the object comes closer. */
  ratePerS: number;
  /** Latest observation minus the window's mean time, s: the fit describes that moment. */
  lagS: number;
}

/**
 * Growth rate of the box height, d ln(h)/dt, by least squares over the observations in the last
 * `windowS`, or the last `fitObservations` when the window holds fewer. For an object at range R closing at v, h ∝ 1/R, so d ln h/dt = v/R = 1/TTC: the fit
 * is the smoothed form of TTC ≈ Δt/(s − 1) (s the height ratio over Δt) and needs no camera
 * calibration. Undefined with too few observations.
 */
export function heightGrowth(
  history: readonly TrackObservation[],
  config: Pick<KinematicsConfig, 'ttcWindowS' | 'fitObservations' | 'minObservations' | 'minSpanS'>,
): HeightGrowth | undefined {
  const { ttcWindowS, fitObservations, minObservations, minSpanS } = config;
  const last = history.at(-1);
  if (!last) return undefined;
  const usable = history.filter((o) => o.box.h > 0);
  const inWindow = usable.filter((o) => last.tS - o.tS <= ttcWindowS);
  const pts = inWindow.length >= fitObservations ? inWindow : usable.slice(-fitObservations);
  if (pts.length < minObservations || last.tS - pts[0]!.tS < minSpanS) return undefined;
  let st = 0;
  let sy = 0;
  for (const o of pts) {
    st += o.tS;
    sy += Math.log(o.box.h);
  }
  const mt = st / pts.length;
  const my = sy / pts.length;
  let num = 0;
  let den = 0;
  for (const o of pts) {
    num += (o.tS - mt) * (Math.log(o.box.h) - my);
    den += (o.tS - mt) ** 2;
  }
  return den > 0 ? { ratePerS: num / den, lagS: last.tS - mt } : undefined;
}

/** Below this a time-to-collision is "now": the fit cannot resolve less. */
const MIN_TTC_S = 0.1;

/**
 * Bearing, monocular range, corridor membership, gap, box-growth TTC and closing speed of one
 * track at `atS` (default: when it was last seen). Range is `class height × fy / box height` (a
 * car of 1.5 m that is 50 px tall under a 640 px focal length is 19 m away); closing speed is
 * range / TTC, so its noise is the growth rate's and its scale the range's. The corridor bends by
 * the ego path's lateral offset at that range, −(ω/v)·R²/2, when the yaw rate is known. While a
 * track coasts through missed detections, range and TTC are carried forward at the last closing
 * speed, so a lead that drops out for a few frames keeps approaching instead of freezing.
 *
 * @example objectKinematics(track, { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 90, setbackM: 2 }, { speedMps: 20 })
 */
export function objectKinematics(
  track: Track,
  camera: CameraGeometry,
  ego: EgoMotion,
  config: KinematicsConfig = DEFAULT_KINEMATICS_CONFIG,
  atS: number = track.lastSeenS,
): ObjectKinematics {
  const { fxPx, fyPx } = focalLengths(camera);
  const { box } = track;
  const offsetPx = box.x + box.w / 2 - camera.imageWidthPx / 2;
  const bearingRad = Math.atan2(offsetPx, fxPx);
  const heightM = TYPICAL_HEIGHT_M[track.className] ?? 1.5;
  const seenRangeM = (heightM * fyPx) / Math.max(box.h, 1);
  const lateralM = (seenRangeM * offsetPx) / fxPx;

  let ttcS: number | undefined;
  let closingMps: number | undefined;
  const growth = heightGrowth(track.history, config);
  if (growth !== undefined) {
    const { ratePerS, lagS } = growth;
    // The fit gives 1/TTC at the window's mean time; under constant closing speed TTC falls one
    // second per second, so the TTC now is lagS less (without this a 1 s window reads 0.5 s late).
    const ttcSeenS = Math.max(MIN_TTC_S, 1 / ratePerS - lagS);
    if (ratePerS > 0) {
      ttcS = ttcSeenS;
      closingMps = seenRangeM / ttcSeenS;
    } else {
      // Opening: the same constant-speed relation, R_now · rate / (1 − rate · lag).
      closingMps = (seenRangeM * ratePerS) / (1 - ratePerS * lagS);
    }
  }
  const coastS = Math.max(0, atS - track.lastSeenS);
  const rangeM = closingMps === undefined ? seenRangeM : Math.max(0, seenRangeM - closingMps * coastS);
  if (ttcS !== undefined) ttcS = Math.max(MIN_TTC_S, ttcS - coastS);

  // Below walking pace the yaw rate says little about where the car is going next.
  const curvature = ego.yawRateRps !== undefined && ego.speedMps > 2 ? ego.yawRateRps / ego.speedMps : 0;
  const pathLateralM = (-curvature * rangeM * rangeM) / 2;
  const out: ObjectKinematics = {
    trackId: track.id,
    className: track.className,
    bearingDeg: (bearingRad * 180) / Math.PI,
    rangeM,
    lateralM,
    inEgoCorridor: Math.abs(lateralM - pathLateralM) <= config.corridorHalfWidthM,
    gapM: Math.max(0, rangeM - camera.setbackM),
    coastS,
  };
  if (closingMps !== undefined) out.closingMps = closingMps;
  if (ttcS !== undefined && ttcS <= config.maxTtcS) out.ttcS = ttcS;
  return out;
}
