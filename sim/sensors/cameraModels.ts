import type { Prng } from '../../lib/random/prng.ts';

/** How a camera sits in the car: behind the windscreen on its own bracket, or a phone in a cradle. */
export type MountStyle = 'windshield' | 'cradle';

/**
 * One dash-cam model: what its sensors sample at and how noisy they are. Figures are the
 * datasheet class of each part: consumer MEMS accelerometers (e.g. BMI160/LSM6DS3 class:
 * ~0.002 m/s²/√Hz noise density, ±0.04–0.2 m/s² zero-g offset after assembly) and single-band
 * GNSS chips (CEP 2–5 m in open sky, Doppler speed 0.1–0.3 m/s, fix pipeline latency 0.5–1 s).
 */
export interface CameraModel {
  name: string;
  /** Share of the fleet carrying this model. */
  share: number;
  imuHz: number;
  gyro: boolean;
  /** White accelerometer noise per sample at `imuHz`, m/s² rms. */
  accelNoiseMps2: number;
  /** Zero-g offset per axis, m/s² (1 σ), fixed per device. */
  accelBiasMps2: number;
  /** Engine vibration reaching the sensor before its anti-alias filter, m/s² amplitude. */
  engineMps2: number;
  /** Horizontal position error, m (1 σ per axis, open sky). */
  gpsSigmaM: number;
  dopplerSigmaMps: number;
  /** Age of the speed and heading a fix reports, s. */
  dopplerLagS: number;
  mount: MountStyle;
}

/** The fleet's camera models: a cheap 10 Hz unit, a mainstream one, a premium one and phones. */
export const CAMERA_MODELS: readonly CameraModel[] = [
  {
    name: 'budget-10hz',
    share: 0.3,
    imuHz: 10,
    gyro: false,
    accelNoiseMps2: 0.1,
    accelBiasMps2: 0.15,
    engineMps2: 0.15,
    gpsSigmaM: 4.5,
    dopplerSigmaMps: 0.3,
    dopplerLagS: 1,
    mount: 'windshield',
  },
  {
    name: 'mainstream-25hz',
    share: 0.35,
    imuHz: 25,
    gyro: true,
    accelNoiseMps2: 0.06,
    accelBiasMps2: 0.1,
    engineMps2: 0.12,
    gpsSigmaM: 3.5,
    dopplerSigmaMps: 0.2,
    dopplerLagS: 0.8,
    mount: 'windshield',
  },
  {
    name: 'premium-100hz',
    share: 0.2,
    imuHz: 100,
    gyro: true,
    accelNoiseMps2: 0.05,
    accelBiasMps2: 0.05,
    engineMps2: 0.1,
    gpsSigmaM: 2,
    dopplerSigmaMps: 0.1,
    dopplerLagS: 0.5,
    mount: 'windshield',
  },
  {
    name: 'phone-50hz',
    share: 0.15,
    imuHz: 50,
    gyro: true,
    accelNoiseMps2: 0.08,
    accelBiasMps2: 0.1,
    engineMps2: 0.2,
    gpsSigmaM: 3,
    dopplerSigmaMps: 0.15,
    dopplerLagS: 0.6,
    mount: 'cradle',
  },
];

/** Draws a model for one camera in proportion to the models' shares. */
export function drawCameraModel(prng: Prng, models: readonly CameraModel[] = CAMERA_MODELS): CameraModel {
  const total = models.reduce((s, m) => s + m.share, 0);
  let x = prng.next() * total;
  for (const m of models) {
    x -= m.share;
    if (x < 0) return m;
  }
  return models[models.length - 1] as CameraModel;
}
