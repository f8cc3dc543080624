/** One GPS fix as logged. Speed and heading are optional: some receivers omit them. */
export interface GpsFix {
  tMs: number;
  lat: number;
  lng: number;
  speedMps?: number;
  headingDeg?: number;
}

/** A GPS fix the {@link GpsFilter} accepted, with speed and heading always present. */
export interface FilteredFix {
  tMs: number;
  lat: number;
  lng: number;
  speedMps: number;
  headingDeg: number;
  /** True when speed came from positions, not the receiver's Doppler speed (much noisier). */
  speedDerived: boolean;
}

/**
 * One IMU sample in the sensor's own axes: specific force in m/s² (gravity included, so a
 * sensor at rest reads +9.81 along "up") and, optionally, angular rate in rad/s.
 */
export interface ImuSample {
  tMs: number;
  ax: number;
  ay: number;
  az: number;
  gx?: number;
  gy?: number;
  gz?: number;
}
