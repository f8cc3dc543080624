import type { LeadKinematicsFrame } from '../badas/kinematics.ts';
import { type CameraGeometry, focalLengths } from './cameraGeometry.ts';
import { VEHICLE_CLASSES } from './cocoClasses.ts';
import type { Detection } from './detection.ts';
import { IouTracker, type TrackerConfig } from './iouTracker.ts';
import {
  DEFAULT_KINEMATICS_CONFIG,
  type EgoMotion,
  type KinematicsConfig,
  type ObjectKinematics,
  objectKinematics,
} from './objectKinematics.ts';

/** Ego motion at a frame, as the pipeline's sensors estimate it. */
export interface EgoState extends EgoMotion {
  accelMps2: number;
}

/**
 * The lead: the nearest motor vehicle in the ego corridor, or undefined. Only vehicles: a person
 * or cyclist ahead matters, but the anticipation model was trained on car-following kinematics.
 */
export function selectLead(objects: readonly ObjectKinematics[]): ObjectKinematics | undefined {
  let lead: ObjectKinematics | undefined;
  for (const o of objects) {
    if (o.inEgoCorridor && VEHICLE_CLASSES.has(o.className) && (!lead || o.rangeM < lead.rangeM)) lead = o;
  }
  return lead;
}

/**
 * The anticipation stage's input for one frame from the ego state and the lead (if any).
 *
 * @example leadFrame(12.3, { speedMps: 20, accelMps2: -0.5 }, lead) // { tS: 12.3, egoSpeedMps: 20, …, leadGapM: 18.2, leadClosingMps: 3.1 }
 */
export function leadFrame(
  tS: number,
  ego: EgoState,
  lead: ObjectKinematics | undefined,
): LeadKinematicsFrame {
  const frame: LeadKinematicsFrame = { tS, egoSpeedMps: ego.speedMps, egoAccelMps2: ego.accelMps2 };
  if (lead) {
    frame.leadGapM = lead.gapM;
    if (lead.closingMps !== undefined) frame.leadClosingMps = lead.closingMps;
  }
  return frame;
}

/** One frame's perception result. */
export interface PerceivedFrame {
  /** Every confirmed track with its kinematics. */
  objects: ObjectKinematics[];
  lead?: ObjectKinematics;
  frame: LeadKinematicsFrame;
}

/**
 * Perception after the detector, for one camera: tracker, per-object kinematics, lead selection.
 * Portable (no WebAssembly): in QuickJS the host feeds it the detections its NPU produced
 * (`parseHostDetections`); on Node the ONNX detector does.
 */
export class LeadPerception {
  private readonly tracker: IouTracker;

  constructor(
    private readonly camera: CameraGeometry,
    tracker: Partial<TrackerConfig> = {},
    private readonly kinematics: KinematicsConfig = DEFAULT_KINEMATICS_CONFIG,
  ) {
    focalLengths(camera); // fail at set-up, not on the first frame
    this.tracker = new IouTracker(tracker);
  }

  /**
   * One frame: its detections (any classes; non-road-users are dropped) and the ego state.
   *
   * @throws PerceptionError `BAD_TIME` when frames go back in time
   */
  step(tS: number, detections: readonly Detection[], ego: EgoState): PerceivedFrame {
    const objects = this.tracker
      .update(tS, detections)
      .map((t) => objectKinematics(t, this.camera, ego, this.kinematics, tS));
    const lead = selectLead(objects);
    const out: PerceivedFrame = { objects, frame: leadFrame(tS, ego, lead) };
    if (lead) out.lead = lead;
    return out;
  }
}
