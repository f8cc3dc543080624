/**
 * What perception hands the anticipation stage for one camera frame: the ego motion and the
 * lead object in the ego path (the same fields as the `dashnet edge badas` CSV, contract §1).
 * Never images: BADAS stage 2 sees kinematics only.
 */
export interface LeadKinematicsFrame {
  /** Sensor time of the frame, seconds (Unix or relative; only differences matter). */
  tS: number;
  egoSpeedMps: number;
  egoAccelMps2: number;
  /** Bumper-to-bumper distance to the lead object in the ego path; absent when there is none. */
  leadGapM?: number;
  /** Closing speed to the lead, positive when approaching; absent when unknown. */
  leadClosingMps?: number;
}
