import type { Prng } from '../../lib/random/prng.ts';
import { gaussian } from '../../lib/random/prng.ts';

/**
 * The true image-sensor behaviour of each simulated camera model at night — what the fleet
 * calibration must recover without being told. Kept beside `sim/sensors/cameraModels.ts` (same
 * model names), not inside it: that file is the motion sensors'.
 *
 * The noise model is the standard photon-transfer one (EMVA 1288): in output DN, temporal
 * variance is the read-noise floor plus shot noise, which grows with the collected signal and
 * the gain that amplifies it: σ² = read² + k · gain · (luma − black). The auto-exposure law is
 * the usual "exposure first, then gain": exposure up to the frame-rate/motion-blur limit, then
 * analogue gain up to its maximum, then the image simply gets darker.
 */
export interface NightSensorModel {
  cameraModel: string;
  firmware: string;
  /** Pedestal added to every pixel, DN (8-bit scale). */
  blackLevelDn: number;
  /** Read-noise floor, DN rms. */
  readNoiseDn: number;
  /** Shot-noise gain k, DN per (DN · gain): σ² = read² + k · gain · signal. */
  shotGain: number;
  /** Signal per unit of scene luminance, per ms, at unit gain (a lens/pixel-size factor). */
  sensitivity: number;
  /** The firmware's auto-exposure target (mean luma, DN) and limits. */
  targetLuma: number;
  minExposureMs: number;
  maxExposureMs: number;
  minGain: number;
  maxGain: number;
  /** Device-to-device spread (1 σ): pedestal in DN; the rest relative. */
  spread: { blackLevelDn: number; readNoiseRel: number; shotGainRel: number; sensitivityRel: number };
}

/**
 * One true model per camera model of the fleet. Figures are of the consumer-CMOS class
 * (1/2.8″–1/2.9″ dash-cam sensors, phone main cameras): pedestals of 8–16 DN at 8 bits, read
 * noise 1–3 DN, analogue gain to 8–16×, exposure capped at one frame at 30 fps.
 */
export const NIGHT_SENSOR_MODELS: readonly NightSensorModel[] = [
  {
    cameraModel: 'budget-10hz',
    firmware: '2.1.0',
    blackLevelDn: 16,
    readNoiseDn: 2.6,
    shotGain: 0.09,
    sensitivity: 0.8,
    targetLuma: 100,
    minExposureMs: 0.05,
    maxExposureMs: 33,
    minGain: 1,
    maxGain: 16,
    spread: { blackLevelDn: 0.8, readNoiseRel: 0.08, shotGainRel: 0.05, sensitivityRel: 0.1 },
  },
  {
    cameraModel: 'mainstream-25hz',
    firmware: '3.4.2',
    blackLevelDn: 12,
    readNoiseDn: 1.8,
    shotGain: 0.06,
    sensitivity: 1,
    targetLuma: 105,
    minExposureMs: 0.05,
    maxExposureMs: 33,
    minGain: 1,
    maxGain: 12,
    spread: { blackLevelDn: 0.6, readNoiseRel: 0.06, shotGainRel: 0.04, sensitivityRel: 0.08 },
  },
  {
    cameraModel: 'premium-100hz',
    firmware: '5.0.1',
    blackLevelDn: 10,
    readNoiseDn: 1.2,
    shotGain: 0.04,
    sensitivity: 1.4,
    targetLuma: 110,
    minExposureMs: 0.02,
    maxExposureMs: 40,
    minGain: 1,
    maxGain: 16,
    spread: { blackLevelDn: 0.4, readNoiseRel: 0.05, shotGainRel: 0.03, sensitivityRel: 0.05 },
  },
  {
    cameraModel: 'phone-50hz',
    firmware: '14.2.0',
    blackLevelDn: 8,
    readNoiseDn: 2,
    shotGain: 0.07,
    sensitivity: 1.1,
    targetLuma: 95,
    minExposureMs: 0.02,
    maxExposureMs: 25,
    minGain: 1,
    maxGain: 8,
    spread: { blackLevelDn: 0.7, readNoiseRel: 0.1, shotGainRel: 0.06, sensitivityRel: 0.12 },
  },
];

/** The night sensor model of a camera model by name. */
export function nightSensorModel(cameraModel: string): NightSensorModel {
  const m = NIGHT_SENSOR_MODELS.find((x) => x.cameraModel === cameraModel);
  if (!m) throw new Error(`no night sensor model for ${cameraModel}`);
  return m;
}

/** One physical device: its model's parameters, drawn with the device-to-device spread. */
export interface NightDevice {
  model: NightSensorModel;
  blackLevelDn: number;
  readNoiseDn: number;
  shotGain: number;
  sensitivity: number;
  /**
   * A dirty or fogged windscreen in front of the lens: veiling glare that adds this share of
   * the scene's light (0 = clean). The extra light is real (it brings shot noise), but it makes
   * every scene look brighter than it is.
   */
  haze: number;
}

/** Draws one device of `model`; `dirtyShare` of devices get a dirty lens. */
export function drawNightDevice(model: NightSensorModel, prng: Prng, dirtyShare = 0.05): NightDevice {
  const s = model.spread;
  return {
    model,
    blackLevelDn: model.blackLevelDn + s.blackLevelDn * gaussian(prng),
    readNoiseDn: model.readNoiseDn * Math.max(0.2, 1 + s.readNoiseRel * gaussian(prng)),
    shotGain: model.shotGain * Math.max(0.2, 1 + s.shotGainRel * gaussian(prng)),
    sensitivity: model.sensitivity * Math.max(0.2, 1 + s.sensitivityRel * gaussian(prng)),
    haze: prng.chance(dirtyShare) ? prng.uniform(0.5, 2) : 0,
  };
}

/** What the camera's ISP reports for one interval (the reporter's medians over its frames). */
export interface NightFrameStats {
  meanLuma: number;
  noiseSigma: number;
  exposureMs: number;
  gain: number;
}

/** Per-report disturbances beyond the sensor model. */
export interface NightSceneDisturbance {
  /**
   * Oncoming headlights through most of the interval (dense two-way traffic): glare lifts the
   * median luma, the AE backs off, and moving highlights leak into the ISP's flat-region noise
   * estimate — a report the noise model does not describe.
   */
  headlights: boolean;
}

/**
 * The ISP statistics (one frame's, or an interval's medians) of `device` facing a scene of `sceneLuminance` (signal per ms at unit gain
 * for sensitivity 1), under the model's auto-exposure law. The AE meters the luma it sees
 * (including the pedestal and any glare) and aims it at the target.
 */
export function nightFrameStats(
  device: NightDevice,
  sceneLuminance: number,
  prng: Prng,
  disturbance: NightSceneDisturbance = { headlights: false },
  /** Relative error of the ISP's noise estimate: ~3 % for an interval's median, ~10 % for one frame. */
  estimatorRel = 0.03,
): NightFrameStats {
  const m = device.model;
  let light = sceneLuminance * (1 + device.haze) * device.sensitivity;
  if (disturbance.headlights) light *= prng.uniform(2, 6);
  const want = Math.max(1, m.targetLuma - device.blackLevelDn);
  const exposureMs = clamp(want / (light * m.minGain), m.minExposureMs, m.maxExposureMs);
  const gain = clamp(want / (light * exposureMs), m.minGain, m.maxGain);
  const signal = Math.min(255 - device.blackLevelDn, light * exposureMs * gain);
  const sigma = Math.sqrt(device.readNoiseDn ** 2 + device.shotGain * gain * signal);
  // The reported figures are medians over an interval's frames: small estimation noise on the
  // noise σ (a few % from a flat-region estimator), a fraction of a DN on the luma.
  let noiseSigma = sigma * (1 + estimatorRel * gaussian(prng));
  let meanLuma = device.blackLevelDn + signal + 0.4 * gaussian(prng);
  if (disturbance.headlights) {
    noiseSigma *= prng.uniform(1.6, 3);
    meanLuma += prng.uniform(10, 40);
  }
  return {
    meanLuma: clamp(meanLuma, 0, 255),
    noiseSigma: Math.max(0, noiseSigma),
    exposureMs,
    gain,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
