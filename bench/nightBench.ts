import { nightIspProfile } from '../edge/night/ispProfile.ts';
import { isNight } from '../edge/night/solarPosition.ts';
import { calibrateNight, type SensorFit } from '../lib/night/calibration.ts';
import type { IspProfile } from '../lib/night/ispProfileFormat.ts';
import { cellNightDays, classifyCells, type LightingClass } from '../lib/night/lightingClass.ts';
import { CLIPPED_LUMA, foldNightDay } from '../lib/night/nightAggregate.ts';
import { type NightObservation, nightObservationsOf } from '../lib/night/nightObservations.ts';
import { weightedLeastSquares } from '../lib/night/robustStats.ts';
import { createPrng } from '../lib/random/prng.ts';
import { simulateNightFleetThroughReporter } from '../sim/night/nightDrive.ts';
import { DEFAULT_NIGHT_FLEET, type NightFleetOptions, simulateNightFleet } from '../sim/night/nightFleet.ts';
import {
  drawNightDevice,
  NIGHT_SENSOR_MODELS,
  type NightSensorModel,
  nightFrameStats,
} from '../sim/night/nightSensorModels.ts';
import { GEOLIFE_DATASET, GEOLIFE_USERS, loadGeolifeUser } from '../test/real/geolife.ts';
import { realDataset } from '../test/real/realDataRoot.ts';
import type { BenchResult } from './types.ts';

/** Fleet sizes of the error curve (issue 12 part 5: error against the number of cameras). */
const CAMERA_COUNTS = [20, 50, 200, 1000] as const;
/** Nights (one drive per camera a night) of the drives curve, at 50 cameras. */
const NIGHT_COUNTS = [1, 3, 10] as const;
/** Seeds per point: each is a different town, fleet and set of outliers. */
const SEEDS = [1, 2, 3, 4, 5] as const;

/** The parameters scored, how their error is measured, and the unit it is in. */
const PARAMETERS: readonly {
  key: string;
  unit: string;
  error: (fit: Omit<SensorFit, 'minExposureMs' | 'noiseFitRelScale'>, truth: NightSensorModel) => number;
}[] = [
  { key: 'black_level_dn', unit: 'DN', error: (f, t) => Math.abs(f.blackLevelDn - t.blackLevelDn) },
  { key: 'read_noise_pct', unit: '%', error: (f, t) => 100 * Math.abs(f.readNoiseDn / t.readNoiseDn - 1) },
  { key: 'shot_gain_pct', unit: '%', error: (f, t) => 100 * Math.abs(f.shotGain / t.shotGain - 1) },
  { key: 'target_luma_dn', unit: 'DN', error: (f, t) => Math.abs(f.targetLuma - t.targetLuma) },
  {
    key: 'max_exposure_pct',
    unit: '%',
    error: (f, t) => 100 * Math.abs(f.maxExposureMs / t.maxExposureMs - 1),
  },
  { key: 'max_gain_pct', unit: '%', error: (f, t) => 100 * Math.abs(f.maxGain / t.maxGain - 1) },
];

const NOTE =
  'simulated fleet (sim/night): 4 camera models with known noise and AE parameters, per-device spread, 5 % dirty lenses, 10 % of reports spoilt by oncoming headlights; mean |error| over models and 5 seeds';

/**
 * Night calibration against the simulated fleet's true sensor parameters (issue 12 part 5):
 * the error of every fitted parameter against the number of cameras and of nights, beside a
 * plain baseline that takes means and least squares over the raw reports (no bins, no robust
 * weights); the guard's minimum number of distinct cameras; and how well the cells' lighting
 * class matches the truth.
 */
export async function runNightBench(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const curve = (label: string, options: Partial<NightFleetOptions> & { cameras: number }) => {
    const sums = new Map<string, { robust: number; plain: number; n: number }>();
    for (const truth of NIGHT_SENSOR_MODELS)
      for (const seed of SEEDS) {
        const obs = simulateNightFleet({
          ...DEFAULT_NIGHT_FLEET,
          ...options,
          cameraModel: truth.cameraModel,
          seed,
        }).records.flatMap(nightObservationsOf);
        const classes = classifyCells(cellNightDays(obs));
        const classOf = (c: string): LightingClass => classes.get(c) ?? 'unknown';
        const r = calibrateNight(foldNightDay(obs, classOf));
        if (r.kind !== 'profile') continue;
        const plain = plainCalibration(obs, classOf);
        for (const p of PARAMETERS) {
          const s = sums.get(p.key) ?? { robust: 0, plain: 0, n: 0 };
          s.robust += p.error(r.fit, truth);
          s.plain += p.error(plain, truth);
          s.n++;
          sums.set(p.key, s);
        }
      }
    for (const p of PARAMETERS) {
      const s = sums.get(p.key);
      if (!s || s.n === 0) continue;
      const base = `night.calibration_error.${p.key}.${label}`;
      out.push({ name: base, value: round(s.robust / s.n), unit: p.unit, better: 'lower', note: NOTE });
      out.push({
        name: `${base}.baseline`,
        value: round(s.plain / s.n),
        unit: p.unit,
        better: 'lower',
        note: 'plain baseline: means and least squares over the raw reports, no outlier handling',
      });
    }
  };
  for (const cameras of CAMERA_COUNTS) curve(`cameras_${cameras}`, { cameras, nights: 3 });
  for (const nights of NIGHT_COUNTS) curve(`nights_${nights}`, { cameras: 50, nights });
  // The baseline is not a straw man: on clean reports it is as good; outliers are what break it.
  curve('cameras_200.no_outliers', { cameras: 200, nights: 3, headlightShare: 0, dirtyShare: 0 });
  curve('cameras_200.headlights_30pct', { cameras: 200, nights: 3, headlightShare: 0.3 });

  out.push({
    name: 'night.guard_min_cameras',
    value: smallestCalibratedFleet(),
    unit: 'cameras',
    better: 'higher',
    target: 20,
    note: 'smallest simulated fleet (3 nights, every camera every night) that gets a profile; fewer distinct cameras → withheld',
  });
  out.push(...throughReporter());
  out.push(lightingAccuracy());
  out.push(...profileBenefit());
  out.push(...clockRuleOnRealTraces());
  return out;
}

/**
 * What deciding night by a clock hour would get wrong on real traces: the share of GeoLife fixes
 * (Zheng et al., WWW 2009 / UbiComp 2008 / IEEE DEB 2010; mostly Beijing, all seasons) that a
 * fixed 19:00–06:00 local rule puts on the other side of civil twilight than the sun does. The
 * camera decides by the sun, so this is the plain baseline's error alone. Nothing when the real
 * recordings are absent.
 */
function clockRuleOnRealTraces(): BenchResult[] {
  const dir = realDataset(GEOLIFE_DATASET);
  if (!dir) return [];
  let fixes = 0;
  let wrong = 0;
  for (const user of GEOLIFE_USERS) {
    for (const f of loadGeolifeUser(dir, user).fixes) {
      const localHour = (new Date(f.tMs).getUTCHours() + 8) % 24; // Beijing, UTC+8
      if (localHour >= 19 || localHour < 6 ? !isNight(f.tMs, f.lat, f.lng) : isNight(f.tMs, f.lat, f.lng))
        wrong++;
      fixes++;
    }
  }
  return [
    {
      name: 'night.real.clock_rule_wrong_pct',
      value: round((100 * wrong) / Math.max(fixes, 1)),
      unit: '%',
      better: 'lower',
      note: `GeoLife, ${GEOLIFE_USERS.length} users, ${fixes} fixes: a 19:00–06:00 clock rule against the sun (civil twilight); the camera's rule is the sun's`,
    },
  ];
}

/**
 * The plain baseline: the same model, fitted the obvious way — least squares of σ² on
 * (1, gain·luma, gain) over every raw report, and means of exposure, gain and luma.
 */
export function plainCalibration(
  obs: readonly NightObservation[],
  classOf: (cell: string) => LightingClass,
): Omit<SensorFit, 'minExposureMs' | 'noiseFitRelScale'> {
  const rows = obs.filter((o) => o.meanLuma < CLIPPED_LUMA);
  const [a, k, c] = weightedLeastSquares(
    rows.map((o) => [1, o.gain * o.meanLuma, o.gain]),
    rows.map((o) => o.noiseSigma ** 2),
    rows.map(() => 1),
  ) as [number, number, number];
  const dark = rows.filter((o) => classOf(o.cell) === 'dark');
  const maxGain = mean(dark.map((o) => o.gain));
  const lit = rows.filter((o) => classOf(o.cell) === 'lit' && o.gain < 0.9 * maxGain);
  return {
    blackLevelDn: -c / k,
    readNoiseDn: Math.sqrt(Math.max(a, 0)),
    shotGain: k,
    targetLuma: mean(lit.map((o) => o.meanLuma)),
    maxExposureMs: mean(dark.map((o) => o.exposureMs)),
    maxGain,
  };
}

function smallestCalibratedFleet(): number {
  const model = NIGHT_SENSOR_MODELS[0] as NightSensorModel;
  for (let cameras = 1; cameras <= 40; cameras++) {
    const obs = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: model.cameraModel,
      cameras,
      seed: 5,
    }).records.flatMap(nightObservationsOf);
    const classes = classifyCells(cellNightDays(obs));
    if (calibrateNight(foldNightDay(obs, (c) => classes.get(c) ?? 'unknown')).kind === 'profile')
      return cameras;
  }
  return Number.NaN;
}

function lightingAccuracy(): BenchResult {
  let known = 0;
  let right = 0;
  for (const truth of NIGHT_SENSOR_MODELS) {
    const fleet = simulateNightFleet({
      ...DEFAULT_NIGHT_FLEET,
      cameraModel: truth.cameraModel,
      cameras: 200,
      seed: 9,
    });
    const classes = classifyCells(cellNightDays(fleet.records.flatMap(nightObservationsOf)));
    for (const [cell, k] of classes) {
      if (k === 'unknown') continue;
      known++;
      if (k === fleet.cellLighting.get(cell)) right++;
    }
  }
  return {
    name: 'night.lighting_class_accuracy',
    value: round((100 * right) / Math.max(known, 1)),
    unit: '%',
    better: 'higher',
    note: 'cells with ≥ 3 camera-days, 200 cameras × 3 nights per model, against the simulated truth',
  };
}

/**
 * The whole camera path at small scale: 40 cameras per model drive 2 nights frame by frame (5 fps)
 * through the real `NightSceneReporter` (sim/night/nightDrive.ts), and the cloud calibrates from
 * what it sent — beside the same plain baseline.
 */
function throughReporter(): BenchResult[] {
  const keys = ['black_level_dn', 'read_noise_pct', 'shot_gain_pct'];
  const sums = new Map<string, { robust: number; plain: number; n: number }>();
  for (const truth of NIGHT_SENSOR_MODELS)
    for (const seed of [1, 2]) {
      const obs = simulateNightFleetThroughReporter({
        cameraModel: truth.cameraModel,
        cameras: 40,
        nights: 2,
        seed,
      }).flatMap(nightObservationsOf);
      const classes = classifyCells(cellNightDays(obs));
      const classOf = (c: string): LightingClass => classes.get(c) ?? 'unknown';
      const r = calibrateNight(foldNightDay(obs, classOf));
      if (r.kind !== 'profile') continue;
      const plain = plainCalibration(obs, classOf);
      for (const p of PARAMETERS.filter((x) => keys.includes(x.key))) {
        const sum = sums.get(p.key) ?? { robust: 0, plain: 0, n: 0 };
        sum.robust += p.error(r.fit, truth);
        sum.plain += p.error(plain, truth);
        sum.n++;
        sums.set(p.key, sum);
      }
    }
  return PARAMETERS.filter((p) => sums.has(p.key)).flatMap((p) => {
    const sum = sums.get(p.key) as { robust: number; plain: number; n: number };
    const name = `night.calibration_error.${p.key}.through_reporter_40`;
    const note = `40 cameras × 2 nights per model through the camera's NightSceneReporter (frames at 5 fps, headlights in view 15 % of the time), ${sum.n} runs`;
    return [
      { name, value: round(sum.robust / sum.n), unit: p.unit, better: 'lower' as const, note },
      {
        name: `${name}.baseline`,
        value: round(sum.plain / sum.n),
        unit: p.unit,
        better: 'lower' as const,
        note,
      },
    ];
  });
}

/**
 * What a per-model profile buys a camera over one profile for the whole fleet (the same
 * calibration over every model's reports pooled): on dark roads, the error of the signal the ISP
 * estimates after subtracting the profile's black level, and of the noise σ its denoiser is set
 * for, over 200 fresh devices per model (their own spread included).
 */
function profileBenefit(): BenchResult[] {
  const fleetReports = (cameraModel: string): NightObservation[] =>
    simulateNightFleet({ ...DEFAULT_NIGHT_FLEET, cameraModel, cameras: 200, seed: 1 }).records.flatMap(
      nightObservationsOf,
    );
  const perModel = new Map<string, IspProfile>();
  const pooled: NightObservation[] = [];
  for (const m of NIGHT_SENSOR_MODELS) {
    const obs = fleetReports(m.cameraModel);
    pooled.push(...obs.map((o) => ({ ...o, cameraModel: 'fleet', firmware: '0.0.0' })));
    const classes = classifyCells(cellNightDays(obs));
    const r = calibrateNight(foldNightDay(obs, (c) => classes.get(c) ?? 'unknown'));
    if (r.kind === 'profile') perModel.set(m.cameraModel, r.profile);
  }
  const classes = classifyCells(cellNightDays(pooled));
  const fleetResult = calibrateNight(foldNightDay(pooled, (c) => classes.get(c) ?? 'unknown'));
  if (fleetResult.kind !== 'profile' || perModel.size !== NIGHT_SENSOR_MODELS.length) return [];
  const fleet = nightIspProfile(fleetResult.profile);
  const err = { signal: { own: 0, fleet: 0 }, noise: { own: 0, fleet: 0 }, n: 0 };
  for (const m of NIGHT_SENSOR_MODELS) {
    const own = nightIspProfile(perModel.get(m.cameraModel) as IspProfile);
    const prng = createPrng(99).fork(m.cameraModel);
    for (let d = 0; d < 200; d++) {
      const device = drawNightDevice(m, prng, 0);
      // A dark road (low beams only), without disturbance: the regime the profile is for.
      const s = nightFrameStats(device, 0.05, prng);
      const signal = s.meanLuma - device.blackLevelDn;
      const sigma = Math.sqrt(device.readNoiseDn ** 2 + device.shotGain * s.gain * Math.max(0, signal));
      for (const [key, isp] of [
        ['own', own],
        ['fleet', fleet],
      ] as const) {
        err.signal[key] += Math.abs(s.meanLuma - isp.blackLevelOffset - signal) / signal;
        err.noise[key] += Math.abs(isp.noiseSigmaFor(s.gain, s.meanLuma) - sigma) / sigma;
      }
      err.n++;
    }
  }
  const note = (what: string) =>
    `${what} on dark roads, 200 fresh devices per model (4 models), profiles from 200 cameras × 3 nights`;
  return [
    {
      name: 'night.dark_signal_error_pct.per_model_profile',
      value: round((100 * err.signal.own) / err.n),
      unit: '%',
      better: 'lower',
      note: note('signal (luma − black) error after the per-model profile’s black level'),
    },
    {
      name: 'night.dark_signal_error_pct.fleet_profile',
      value: round((100 * err.signal.fleet) / err.n),
      unit: '%',
      better: 'lower',
      note: note('the same with one profile calibrated over every model pooled (baseline)'),
    },
    {
      name: 'night.noise_sigma_error_pct.per_model_profile',
      value: round((100 * err.noise.own) / err.n),
      unit: '%',
      better: 'lower',
      note: note('error of the noise σ the denoiser is set for, per-model profile'),
    },
    {
      name: 'night.noise_sigma_error_pct.fleet_profile',
      value: round((100 * err.noise.fleet) / err.n),
      unit: '%',
      better: 'lower',
      note: note('the same with one fleet-wide profile (baseline)'),
    },
  ];
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
