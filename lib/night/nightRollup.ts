import { DAY_MS } from '../time/durations.ts';
import { isoOf } from '../time/isoTime.ts';
import {
  type CalibrationConfig,
  type CalibrationResult,
  calibrateNight,
  DEFAULT_CALIBRATION,
  type IspProfileCandidate,
  ispProfileCandidate,
} from './calibration.ts';
import {
  type CellNightDay,
  cellNightDays,
  classifyCells,
  DEFAULT_LIGHTING_CLASS,
  type LightingClass,
  type LightingClassConfig,
} from './lightingClass.ts';
import { foldNightDay, type NightDayAggregate } from './nightAggregate.ts';
import type { NightObservation } from './nightObservations.ts';

/** A (camera model, firmware) that has night aggregates. */
export interface NightGroup {
  cameraModel: string;
  firmware: string;
}

/**
 * Where night data lives (functions/adapters/nightStore.ts on DynamoDB; in memory in tests).
 * Raw observations are pseudonymous and short-lived; cell days and day aggregates are
 * anonymous and kept.
 */
export interface NightRepository {
  /** Every raw observation of a UTC day. */
  observationsOf(day: string): Promise<NightObservation[]>;
  /** Stores cell days, overwriting the same (cell, day). */
  putCellDays(days: readonly CellNightDay[]): Promise<void>;
  /** Cell days of these cells between two UTC days (inclusive). */
  cellHistory(cells: readonly string[], fromDay: string, toDay: string): Promise<CellNightDay[]>;
  /** Stores day aggregates, overwriting the same (group, day). */
  putDayAggregates(aggregates: readonly NightDayAggregate[]): Promise<void>;
  /** The groups with any day aggregate. */
  groups(): Promise<NightGroup[]>;
  /** A group's day aggregates between two UTC days (inclusive). */
  dayAggregates(group: NightGroup, fromDay: string, toDay: string): Promise<NightDayAggregate[]>;
  /** Stores a profile candidate for an operator to sign (overwrites the same group and version). */
  putCandidate(candidate: IspProfileCandidate): Promise<void>;
}

/** Tuning of the night rollup and calibration. */
export interface NightRollupConfig {
  /** Days of cell history a lighting class rests on: long enough for many cameras, short enough for new street lights. */
  historyDays: number;
  /** Days of aggregates a profile is calibrated from. */
  calibrationDays: number;
  lighting: LightingClassConfig;
  calibration: CalibrationConfig;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_NIGHT_ROLLUP: NightRollupConfig = {
  historyDays: 90,
  calibrationDays: 28,
  lighting: DEFAULT_LIGHTING_CLASS,
  calibration: DEFAULT_CALIBRATION,
};

/** What a day's rollup did. */
export interface NightRollupReport {
  day: string;
  observations: number;
  cells: number;
  aggregates: number;
}

/**
 * Folds one UTC day's raw night observations into anonymous aggregates: the day's brightness per
 * cell (added to the cells' history), then each report's lighting class from that history, then
 * the per-(model, firmware) bins. Recomputed from the complete day and written by overwriting,
 * so running it again — after late records, or twice — gives the same items.
 */
export async function rollupNightDay(
  repo: NightRepository,
  day: string,
  config: NightRollupConfig = DEFAULT_NIGHT_ROLLUP,
): Promise<NightRollupReport> {
  const observations = await repo.observationsOf(day);
  if (observations.length === 0) return { day, observations: 0, cells: 0, aggregates: 0 };
  const today = cellNightDays(observations);
  await repo.putCellDays(today);
  const history = await repo.cellHistory(
    today.map((c) => c.cell),
    addDays(day, -(config.historyDays - 1)),
    day,
  );
  const classes = classifyCells(history, config.lighting);
  const aggregates = foldNightDay(observations, (cell): LightingClass => classes.get(cell) ?? 'unknown');
  await repo.putDayAggregates(aggregates);
  return { day, observations: observations.length, cells: today.length, aggregates: aggregates.length };
}

/** Calibrates every group from its last `calibrationDays` of aggregates up to `day`. */
export async function calibrateNightGroups(
  repo: NightRepository,
  day: string,
  config: NightRollupConfig = DEFAULT_NIGHT_ROLLUP,
): Promise<{ group: NightGroup; result: CalibrationResult }[]> {
  const out: { group: NightGroup; result: CalibrationResult }[] = [];
  for (const group of await repo.groups()) {
    const aggregates = await repo.dayAggregates(group, addDays(day, -(config.calibrationDays - 1)), day);
    out.push({ group, result: calibrateNight(aggregates, config.calibration) });
  }
  return out;
}

/** A day is rolled up once its end plus this lateness has passed (as the insights rollup). */
export const NIGHT_DAY_LATENESS_MS = 15 * 60_000;

/** What one scheduled run did. */
export interface NightCalibrationReport {
  rolledUp: NightRollupReport[];
  candidates: { cameraModel: string; firmware: string; version: string; cameras: number }[];
  withheld: { cameraModel: string; firmware: string; reason: string; cameras: number }[];
}

/**
 * The scheduled night job: rolls up the closed UTC days whose raw observations still exist (the
 * last two: raw items live until two days after their day), then calibrates every group and
 * stores a candidate for each that passes the guard. Versions are `1.<epoch day>.0`, so a
 * later calibration is always a higher version (the registry only accepts higher). Idempotent:
 * a rerun overwrites the same items and the same candidate.
 */
export async function runNightCalibration(
  repo: NightRepository,
  nowMs: number,
  config: NightRollupConfig = DEFAULT_NIGHT_ROLLUP,
): Promise<NightCalibrationReport> {
  const report: NightCalibrationReport = { rolledUp: [], candidates: [], withheld: [] };
  const today = Math.floor(nowMs / DAY_MS);
  let lastClosed: number | undefined;
  for (let d = today - 2; d < today; d++) {
    if (nowMs < (d + 1) * DAY_MS + NIGHT_DAY_LATENESS_MS) continue;
    report.rolledUp.push(await rollupNightDay(repo, dayOf(d), config));
    lastClosed = d;
  }
  if (lastClosed === undefined) return report;
  for (const { group, result } of await calibrateNightGroups(repo, dayOf(lastClosed), config)) {
    if (result.kind === 'withheld') {
      report.withheld.push({ ...group, reason: result.reason, cameras: result.cameras });
      continue;
    }
    const candidate = ispProfileCandidate(result, {
      version: `1.${lastClosed}.0`,
      createdAt: isoOf(nowMs),
    });
    await repo.putCandidate(candidate);
    report.candidates.push({ ...group, version: candidate.version, cameras: result.cameras });
  }
  return report;
}

function dayOf(epochDay: number): string {
  return isoOf(epochDay * DAY_MS, 'day');
}

/** `day` (YYYY-MM-DD) moved by `n` days. */
export function addDays(day: string, n: number): string {
  return isoOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS, 'day');
}
