import { cmuRoot } from '../test/real/cmuDrives.ts';
import { juniorRoot } from '../test/real/junior2017.ts';
import {
  evaluateCalibration,
  evaluateGpsBrakes,
  evaluateManoeuvres,
  type ManoeuvreFigures,
  precisionOf,
  recallOf,
} from '../test/real/manoeuvreEvaluation.ts';
import { realDataMissing } from '../test/real/realDataRoot.ts';
import type { BenchResult } from './types.ts';

const JUNIOR_CITE =
  'Ferreira Júnior et al., PLoS ONE 12(4) e0174959, 2017 (3 trips, 12 hard brakes, 12 sharp turns, labelled from video)';
const CMU_CITE = 'Bhatt, Mani, Xi, Kolter 2017, Intelligent Pothole Detection (iPhone 6S, 5 Hz, Pittsburgh)';

const round2 = (x: number) => Math.round(x * 100) / 100;

function figures(kind: string, suffix: string, f: ManoeuvreFigures, note: string): BenchResult[] {
  const out: BenchResult[] = [];
  for (const [who, score] of [
    ['', f.detector],
    ['.baseline', f.baseline],
  ] as const) {
    out.push(
      {
        name: `real.${kind}.precision${suffix}${who}`,
        value: round2(precisionOf(score)),
        unit: 'ratio',
        better: 'higher',
        note: `${note}; tp ${score.truePositives} fp ${score.falsePositives}`,
      },
      {
        name: `real.${kind}.recall${suffix}${who}`,
        value: round2(recallOf(score)),
        unit: 'ratio',
        better: 'higher',
        note: `${note}; tp ${score.truePositives} fn ${score.falseNegatives}`,
      },
    );
  }
  return out;
}

/**
 * Hard brakes, hard corners and mount calibration on real recordings, each beside a plain
 * baseline: the labelled manoeuvres turned into 4 random mountings each (the camera gets no GPS:
 * the data set has none), at their native ~50 Hz and read as 5 Hz snapshots; and calibration
 * convergence on every ≥ 5 Hz CMU drive in 2 random mountings, with and without the gyro.
 * Nothing is written when the recordings are absent (a line says so).
 */
export async function runRealManoeuvreBench(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const junior = juniorRoot();
  if (!junior) process.stderr.write(`${realDataMissing('driving-events-junior2017')}\n`);
  else {
    for (const [suffix, periodMs, label] of [
      ['', undefined, '~50 Hz'],
      ['_5hz', 200, '5 Hz snapshots'],
    ] as const) {
      const e = evaluateManoeuvres(junior, periodMs === undefined ? { mounts: 4 } : { mounts: 4, periodMs });
      const note = `${JUNIOR_CITE}; ${e.runs} trip×mounting runs, ${label}, IMU+gyro, no GPS; baseline: |LP(a) − gravity| ≥ 2.8 m/s²`;
      out.push(
        ...figures('hard_brake', suffix, e.hardBrake, note),
        ...figures('hard_corner', suffix, e.hardCorner, note),
      );
    }
  }
  const cmu = cmuRoot();
  if (!cmu) process.stderr.write(`${realDataMissing('cmu-phone-drives')}\n`);
  else {
    const gps = evaluateGpsBrakes(cmu);
    out.push(
      ...figures(
        'gps_brake',
        '',
        { detector: gps.fallback, baseline: gps.baseline },
        `${CMU_CITE}; GPS-only fallback on 1 Hz receiver speed, ${gps.hours.toFixed(1)} h; recall of the ${gps.stops} stops the calibrated IMU shows ≥ 3 m/s² (1 s low-pass) for ≥ 1 s; a report is right within 4 s of an IMU brake ≥ 2 m/s²; baseline: the old fallback, 1 s differences ≥ 3 m/s² held 1.5 s`,
      ),
    );
    for (const [suffix, gyro] of [
      ['', true],
      ['_no_gyro', false],
    ] as const) {
      const runs = evaluateCalibration(cmu, 2, gyro);
      const times = runs.map((r) => r.convergedS ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
      const converged = times.filter((t) => t <= 120).length;
      const note = `${CMU_CITE}; ${runs.length} drive×mounting runs (${runs.length / 2} drives ≥ 5 Hz, 48–1542 s), ${gyro ? 'accelerometer + gyro' : 'accelerometer only'} + GPS`;
      out.push(
        {
          name: `real.calibration.converge_s_median${suffix}`,
          value: Math.round(times[Math.floor((times.length - 1) / 2)] ?? Number.NaN),
          unit: 's',
          better: 'lower',
          target: 120,
          note,
        },
        {
          name: `real.calibration.converge_s_max${suffix}`,
          value: Math.round(times.at(-1) ?? Number.NaN),
          unit: 's',
          better: 'lower',
          target: 120,
          note,
        },
        {
          name: `real.calibration.converged_share${suffix}`,
          value: round2(converged / Math.max(1, runs.length)),
          unit: 'ratio',
          better: 'higher',
          target: 1,
          note: `${note}; converged within 120 s`,
        },
      );
    }
  }
  return out;
}
