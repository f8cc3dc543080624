import { cellToChildren } from 'h3-js';
import type { BadasOperatingPoint, BadasScorer } from '../edge/badas/badasScorer.ts';
import { createPortableBadasScorer } from '../edge/badas/badasScorer.ts';
import { readBadasModel } from '../edge/badas/modelFile.ts';
import { DEFAULT_NEAR_MISS, NearMissDetector } from '../edge/badas/nearMiss.ts';
import { ConflictPriors } from '../edge/badas/priors/conflictPriors.ts';
import {
  DEFAULT_PRIOR_ADJUST,
  type PriorAdjustConfig,
  priorShiftLogit,
  shiftScore,
} from '../edge/badas/priors/priorAdjustment.ts';
import {
  alertFigures,
  NORMAL_KINDS,
  type ScoredScenario,
  scoreScenario,
} from '../edge/badas/training/evaluate.ts';
import {
  generateScenario,
  type Scenario,
  type ScenarioKind,
  type ScenarioMix,
} from '../edge/badas/training/scenarios.ts';
import { createSeededRandom, type Random } from '../edge/core/random.ts';
import { publicKeyOf, verifyArtefact } from '../lib/contract/artefact.ts';
import { PATH_CELL_RESOLUTION } from '../lib/geo/pathCellResolution.ts';
import { MEAN_TRAVERSAL_M } from '../lib/insights/contributions.ts';
import type { DayCell } from '../lib/insights/dayRollup.ts';
import { addSpeed } from '../lib/insights/speedHistogram.ts';
import { buildPriorTile, signPriorTile } from '../lib/priors/buildPriorTile.ts';
import { PRIOR_CELL_RESOLUTION } from '../lib/priors/cellPriors.ts';
import { memoryPriorsSource } from '../lib/priors/memoryPriorsSource.ts';
import { PRIOR_TILE_ENTRY_BYTES, PRIOR_TILE_HEADER_BYTES } from '../lib/priors/priorTile.ts';
import { gaussian } from '../lib/random/prng.ts';
import type { BenchResult } from './types.ts';

/**
 * The simulated worlds. Conflicts are not spread evenly over a road network: about 40 % of US
 * crashes are intersection-related (NHTSA, "Crash Factors in Intersection-Related Crashes",
 * DOT HS 811 366, 2010) on a small share of road length; rear-end conflicts gather on signalised
 * approaches, cut-ins at merges, lane drops and turning lanes. The region's roads are of three
 * kinds — `junction` (25 %), `arterial` (40 %), `motorway` (35 %) — each a mix of the generator's
 * scenario kinds, and each road's hazard weights are scaled by its own log-normal factor (σ 0.5):
 * two junctions are not equally dangerous, which is what the gamma prior's spread stands for.
 *
 * Two worlds, because what a near-miss prior can add depends on *why* a road has conflicts:
 * - `hazards`: roads differ only in their hazards (braking leads, cut-ins, stopped cars: about half
 *   the drives at junctions, a seventh on arterials, one in twenty on motorways); ordinary driving
 *   (following, queues, free road) is the same mix everywhere. The model cannot see from the
 *   kinematics that it is at a junction where cars cut in: the prior knows something it does not.
 * - `queues`: the same, but junctions also carry most of the stop-and-go queues (3 in 12 drives,
 *   against 1 in 10 on motorways). Queues make both near misses (normal approaches that end at
 *   TTC < 1.5 s) and the model's false alarms, and the model sees a queue in the kinematics, so the
 *   rate ratio partly restates what the score already knows.
 */
type RoadKind = 'junction' | 'arterial' | 'motorway';
type WorldName = 'hazards' | 'queues';

const HAZARDS: Readonly<Record<RoadKind, ScenarioMix>> = {
  junction: { lead_brake: 2, cut_in: 2, cut_in_brake: 1, stopped_ahead: 1 },
  arterial: { lead_brake: 0.8, cut_in: 0.5, cut_in_brake: 0.3, stopped_ahead: 0.5 },
  motorway: { lead_brake: 0.3, cut_in: 0.2, cut_in_brake: 0.1, stopped_ahead: 0.1 },
};
const ORDINARY: Readonly<Record<WorldName, Readonly<Record<RoadKind, ScenarioMix>>>> = {
  hazards: {
    junction: { following: 4, stop_and_go: 1.5, free_road: 3 },
    arterial: { following: 4, stop_and_go: 1.5, free_road: 3 },
    motorway: { following: 4, stop_and_go: 1.5, free_road: 3 },
  },
  queues: {
    junction: { following: 2, stop_and_go: 3, free_road: 1 },
    arterial: { following: 5, stop_and_go: 2, free_road: 3 },
    motorway: { following: 5, stop_and_go: 0.5, free_road: 5 },
  },
};
const ROAD_SHARE: readonly [RoadKind, number][] = [
  ['junction', 0.25],
  ['arterial', 0.4],
  ['motorway', 0.35],
];

/** Any res-4 cell: the world is synthetic, the cell only gives the tile real H3 geometry. */
const REGION = '842a847ffffffff';
const ROADS = 80;
/** Share of roads the fleet drives enough for k; the rest are new roads the tile must not cover. */
const COVERED_SHARE = 0.7;
const K = 5;
const HISTORY_DAYS = 10;
/** Distinct cameras per covered road and day: 5–8, so each (cell, day) meets the insights' atom rule. */
const CAMERAS_PER_DAY: readonly [number, number] = [5, 8];
/**
 * Held-out drives per covered road, and per uncovered road (fewer: there the prior-aware camera is
 * the plain model by construction, and the drives only show that it is).
 */
const TEST_DRIVES = 20;
const UNCOVERED_TEST_DRIVES = 10;
/** The headline comparison's false-alarm rate: one warning per hour of ordinary driving. */
const TARGET_FA_PER_H = 1;
/** A fixed key for the bench's tile: not a release key. */
const BENCH_SEED = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

interface Road {
  cell: string;
  /** The res-10 child the road runs through (the insights' cell). */
  road10: string;
  kind: RoadKind;
  mix: ScenarioMix;
  covered: boolean;
}

function drawKind(r: Random, mix: ScenarioMix): ScenarioKind {
  const entries = Object.entries(mix) as [ScenarioKind, number][];
  let u = r.next() * entries.reduce((a, [, w]) => a + w, 0);
  for (const [k, w] of entries) {
    u -= w;
    if (u < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

function makeRoads(r: Random, world: WorldName): Road[] {
  const children = cellToChildren(REGION, PRIOR_CELL_RESOLUTION);
  const picked = new Set<string>();
  while (picked.size < ROADS) picked.add(children[Math.floor(r.next() * children.length)]!);
  return [...picked].map((cell) => {
    let u = r.next();
    let kind: RoadKind = 'motorway';
    for (const [k, share] of ROAD_SHARE) {
      u -= share;
      if (u < 0) {
        kind = k;
        break;
      }
    }
    const factor = Math.exp(0.5 * gaussian(r));
    const mix: ScenarioMix = { ...ORDINARY[world][kind] };
    for (const [k, w] of Object.entries(HAZARDS[kind]) as [ScenarioKind, number][]) mix[k] = w * factor;
    return {
      cell,
      road10: cellToChildren(cell, PATH_CELL_RESOLUTION)[0]!,
      kind,
      mix,
      covered: r.next() < COVERED_SHARE,
    };
  });
}

/**
 * What the network learns of one drive, as a camera reports it: the trip path's entries (one per
 * res-10 cell, ~103 m apart, each with its entry speed — the insights' passes and speed
 * histogram), metres driven, and near misses (measured TTC < 1.5 s episodes).
 */
function reportOf(s: Scenario, into: DayCell): void {
  const nm = new NearMissDetector(DEFAULT_NEAR_MISS);
  for (const f of s.frames) if (nm.push(f)) into.nearMisses++;
  if (nm.flush()) into.nearMisses++;
  let metres = 0;
  let nextEntryM = 0;
  for (const v of s.truth.egoSpeedMps) {
    if (metres >= nextEntryM) {
      addSpeed(into.speeds, v);
      into.passes++;
      nextEntryM += MEAN_TRAVERSAL_M;
    }
    metres += v / s.frameHz;
  }
  into.exposureM += metres;
}

const dayName = (d: number) => `2026-11-${String(d + 1).padStart(2, '0')}`;

/**
 * The network's history, as the insights would hold it: per UTC day and res-10 cell, metres,
 * near misses and distinct cameras. Covered roads: 5–8 cameras a day for ten days. Uncovered
 * roads: one day, one to four cameras (below k, and below the atom rule).
 */
function history(
  roads: readonly Road[],
  r: Random,
): { days: Map<string, Record<string, DayCell>>; drives: number } {
  const days = new Map<string, Record<string, DayCell>>();
  let drives = 0;
  for (const road of roads) {
    const activeDays = road.covered ? HISTORY_DAYS : 1;
    for (let d = 0; d < activeDays; d++) {
      const [lo, hi] = road.covered ? CAMERAS_PER_DAY : [1, 4];
      const cameras = lo + Math.floor(r.next() * (hi - lo + 1));
      const cell: DayCell = { passes: 0, exposureM: 0, brakes: 0, nearMisses: 0, speeds: {}, cameras };
      for (let c = 0; c < cameras; c++) {
        reportOf(generateScenario(drawKind(r, road.mix), `priors-history:${road.cell}:${d}:${c}`), cell);
        drives++;
      }
      const day = days.get(dayName(d)) ?? {};
      day[road.road10] = cell;
      days.set(dayName(d), day);
    }
  }
  return { days, drives };
}

interface RoadDrives {
  road: Road;
  scored: ScoredScenario[];
}

function drivesOf(
  roads: readonly Road[],
  seed: string,
  count: number,
  score: (x: Float32Array) => number,
): RoadDrives[] {
  return roads.map((road) => {
    const r = createSeededRandom(`${seed}:${road.cell}:mix`);
    const scored = Array.from({ length: count }, (_, i) =>
      scoreScenario(generateScenario(drawKind(r, road.mix), `${seed}:${road.cell}:${i}`), score),
    );
    return { road, scored };
  });
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The operating point that, applied to the plain score, alerts exactly when the score shifted by
 * `shiftLogit` would at `point`: the shift is monotone, so `σ(logit p + δ) ≥ θ ⇔ p ≥ σ(logit θ − δ)`.
 * Sweeping thresholds this way costs no per-frame exp/log; `priorsBench` checks it against
 * {@link shiftScore} on the held-out drives.
 */
function shiftedPoint(point: BadasOperatingPoint, shiftLogit: number): BadasOperatingPoint {
  if (shiftLogit === 0) return point;
  return {
    ...point,
    raiseAt: sigmoid(logit(point.raiseAt) - shiftLogit),
    clearAt: sigmoid(logit(point.clearAt) - shiftLogit),
  };
}

/** Alert figures summed over roads, each road at its own (shifted) point. */
interface Totals {
  mttaS: number;
  recall: number;
  conflicts: number;
  falseAlarms: number;
  normalHours: number;
  falseAlarmsPerH: number;
}

function totals(
  drives: readonly RoadDrives[],
  point: BadasOperatingPoint,
  shiftOf: (road: Road) => number,
): Totals {
  let tta = 0;
  let caught = 0;
  let conflicts = 0;
  let falseAlarms = 0;
  let normalHours = 0;
  for (const { road, scored } of drives) {
    const f = alertFigures(scored, 'model', shiftedPoint(point, shiftOf(road)));
    if (f.conflicts > 0) {
      tta += f.mttaS * f.conflicts;
      caught += f.recall * f.conflicts;
      conflicts += f.conflicts;
    }
    if (f.normalHours > 0) falseAlarms += Math.round(f.falseAlarmsPerH * f.normalHours);
    normalHours += f.normalHours;
  }
  return {
    mttaS: conflicts ? tta / conflicts : Number.NaN,
    recall: conflicts ? caught / conflicts : Number.NaN,
    conflicts,
    falseAlarms,
    normalHours,
    falseAlarmsPerH: normalHours ? falseAlarms / normalHours : Number.NaN,
  };
}

const noShift = () => 0;
const priorShift = (priors: ConflictPriors, config: PriorAdjustConfig) => (road: Road) =>
  priorShiftLogit(priors.ofCell(road.cell), config);

/** Only the conflict-free drives of ordinary kinds: all that false alarms depend on. */
function normalOnly(drives: readonly RoadDrives[]): RoadDrives[] {
  return drives.map((d) => ({
    road: d.road,
    scored: d.scored.filter(
      (s) => s.scenario.conflictOnsetsS.length === 0 && NORMAL_KINDS.includes(s.scenario.kind),
    ),
  }));
}

/**
 * The plain model's most sensitive raise threshold (shipped hold times) with at most
 * `maxFalseAlarms` on `normal`: bisection in logit space.
 */
function plainPointFor(
  normal: readonly RoadDrives[],
  base: BadasOperatingPoint,
  maxFalseAlarms: number,
): BadasOperatingPoint {
  const at = (raiseAt: number): BadasOperatingPoint => ({
    ...base,
    raiseAt,
    clearAt: Math.min(base.clearAt, raiseAt * 0.5),
  });
  let lo = logit(0.2);
  let hi = logit(0.995);
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (totals(normal, at(sigmoid(mid)), noShift).falseAlarms > maxFalseAlarms) lo = mid;
    else hi = mid;
  }
  return at(sigmoid(hi));
}

/** Per-road logit shifts for a covered-road offset: the camera's (from the tile) or the oracle's. */
type ShiftFamily = (coveredOffsetLogit: number) => (road: Road) => number;

const tileShifts =
  (priors: ConflictPriors, gain: number): ShiftFamily =>
  (coveredOffsetLogit) =>
    priorShift(priors, { ...DEFAULT_PRIOR_ADJUST, gain, coveredOffsetLogit });

/**
 * The prior-aware camera's recalibration: the largest covered-road offset (logits) with at most
 * `maxFalseAlarms` on `normal`. Uncovered roads keep the plain point.
 */
function offsetFor(
  normal: readonly RoadDrives[],
  point: BadasOperatingPoint,
  family: ShiftFamily,
  maxFalseAlarms: number,
): number {
  const fa = (offset: number) => totals(normal, point, family(offset)).falseAlarms;
  let lo = -2 * DEFAULT_PRIOR_ADJUST.maxShiftLogit;
  let hi = DEFAULT_PRIOR_ADJUST.maxShiftLogit;
  if (fa(hi) <= maxFalseAlarms) return hi;
  for (let i = 0; i < 12; i++) {
    const mid = (lo + hi) / 2;
    if (fa(mid) <= maxFalseAlarms) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Plain and prior-aware at the same false-alarm count on `drives`, each at its most sensitive point. */
function atEqualFalseAlarms(
  drives: readonly RoadDrives[],
  family: ShiftFamily,
  base: BadasOperatingPoint,
  falseAlarmsPerH: number,
) {
  const normal = normalOnly(drives);
  const budget = Math.round(falseAlarmsPerH * totals(normal, base, noShift).normalHours);
  const point = plainPointFor(normal, base, budget);
  const offset = offsetFor(normal, point, family, budget);
  return { point, offset, budget };
}

/**
 * False-alarm rates the comparison is made at. One rate alone is a few dozen alarms, and which
 * of them sits at the edge moves a threshold, and the mTTA, a lot: the mean over three rates is
 * the steadier summary.
 */
const FA_RATES_PER_H = [0.5, 1, 2];

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * mTTA on `measured` of plain and prior-aware, each recalibrated on `calibrated` (which holds
 * `measured`) to the same false alarms, at each of {@link FA_RATES_PER_H}.
 */
function curve(
  calibrated: readonly RoadDrives[],
  measured: readonly RoadDrives[],
  family: ShiftFamily,
  base: BadasOperatingPoint,
): { faPerH: number; plain: number; aware: number }[] {
  return FA_RATES_PER_H.map((faPerH) => {
    const c = atEqualFalseAlarms(calibrated, family, base, faPerH);
    return {
      faPerH,
      plain: totals(measured, c.point, noShift).mttaS,
      aware: totals(measured, c.point, family(c.offset)).mttaS,
    };
  });
}

/**
 * The oracle's shifts: each covered road's *expected* conflict rate per hour, from its true
 * scenario mix and each kind's conflicts and hours per drive (pooled over every held-out drive of
 * every road, so no road is judged on its own few drives), relative to the covered roads' pooled
 * rate, bounded like the camera's. No camera can have this; it says whether a perfectly known
 * prior would help, i.e. whether the estimate or the mechanism limits the gain. (The reference
 * rate does not matter: the recalibrated offset absorbs any constant.)
 */
function oracleShifts(all: readonly RoadDrives[], covered: readonly RoadDrives[]): ShiftFamily {
  const perKind = new Map<ScenarioKind, { conflicts: number; hours: number; drives: number }>();
  for (const { scored } of all)
    for (const { scenario: s } of scored) {
      const k = perKind.get(s.kind) ?? { conflicts: 0, hours: 0, drives: 0 };
      k.conflicts += s.conflictOnsetsS.length;
      k.hours += (s.frames.at(-1)?.tS ?? 0) / 3600;
      k.drives++;
      perKind.set(s.kind, k);
    }
  const expectedRate = (road: Road) => {
    let conflicts = 0;
    let hours = 0;
    for (const [kind, w] of Object.entries(road.mix) as [ScenarioKind, number][]) {
      const k = perKind.get(kind);
      if (!k) continue;
      conflicts += (w * k.conflicts) / k.drives;
      hours += (w * k.hours) / k.drives;
    }
    return conflicts / hours;
  };
  const conflicts = covered.reduce(
    (a, d) => a + d.scored.reduce((b, s) => b + s.scenario.conflictOnsetsS.length, 0),
    0,
  );
  const hours =
    covered.reduce((a, d) => a + d.scored.reduce((b, s) => b + (s.scenario.frames.at(-1)?.tS ?? 0), 0), 0) /
    3600;
  const lrr = new Map(
    covered.map((d) => [d.road.cell, Math.log(expectedRate(d.road) / (conflicts / hours))]),
  );
  const max = DEFAULT_PRIOR_ADJUST.maxShiftLogit;
  return (offset) => (road) => {
    const r = lrr.get(road.cell);
    return r === undefined ? 0 : Math.max(-max, Math.min(max, r + offset));
  };
}

/** The bench's figures must come from the camera's own arithmetic: the shifted-threshold sweep against shiftScore. */
function checkEquivalence(
  drives: readonly RoadDrives[],
  point: BadasOperatingPoint,
  shiftOf: (road: Road) => number,
): boolean {
  const viaThreshold = totals(drives, point, shiftOf);
  const viaScores = totals(
    drives.map(({ road, scored }) => {
      const shift = shiftOf(road);
      return {
        road,
        scored: scored.map((sc) => ({ ...sc, model: sc.model.map((p) => shiftScore(p, shift)) })),
      };
    }),
    point,
    noShift,
  );
  return (
    Math.abs(viaThreshold.mttaS - viaScores.mttaS) < 1e-3 &&
    viaThreshold.falseAlarms === viaScores.falseAlarms
  );
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** One world's figures, names prefixed with `prefix`. */
async function runWorld(world: WorldName, prefix: string, scorer: BadasScorer): Promise<BenchResult[]> {
  const t0 = performance.now();
  const score = (x: Float32Array) => scorer.score(x);
  const base = scorer.operatingPoint;
  const roads = makeRoads(createSeededRandom(`priors-bench:${world}:roads`), world);
  const hist = history(roads, createSeededRandom(`priors-bench:${world}:history`));

  const { candidate } = await buildPriorTile(memoryPriorsSource(hist.days), {
    region: REGION,
    fromDay: dayName(0),
    toDay: dayName(HISTORY_DAYS - 1),
    k: K,
    createdAt: '2026-12-01T00:00:00Z',
  });
  const tile = signPriorTile(candidate, BENCH_SEED);
  const manifest = verifyArtefact(tile.manifest, tile.signature, [publicKeyOf(BENCH_SEED)], tile.bytes);
  const priors = new ConflictPriors();
  priors.addVerifiedTile(tile.bytes, manifest);

  const inTile = (road: Road) => priors.ofCell(road.cell) !== undefined;
  const covered = roads.filter(inTile);
  const uncovered = roads.filter((r) => !inTile(r));
  const gain = DEFAULT_PRIOR_ADJUST.gain;

  const testCovered = drivesOf(covered, `priors-bench:${world}:test`, TEST_DRIVES, score);
  const testUncovered = drivesOf(uncovered, `priors-bench:${world}:test`, UNCOVERED_TEST_DRIVES, score);
  const test = [...testCovered, ...testUncovered];
  const family = tileShifts(priors, gain);
  const { point, offset, budget } = atEqualFalseAlarms(test, family, base, TARGET_FA_PER_H);
  const config: PriorAdjustConfig = { ...DEFAULT_PRIOR_ADJUST, gain, coveredOffsetLogit: offset };
  const aware = priorShift(priors, config);
  const fig = {
    coveredPlain: totals(testCovered, point, noShift),
    coveredAware: totals(testCovered, point, aware),
    uncoveredPlain: totals(testUncovered, point, noShift),
    uncoveredAware: totals(testUncovered, point, aware),
    allPlain: totals(test, point, noShift),
    allAware: totals(test, point, aware),
  };
  const junctions = testCovered.filter((d) => d.road.kind === 'junction');
  const jPlain = totals(junctions, point, noShift);
  const jAware = totals(junctions, point, aware);
  const equivalent = checkEquivalence(test, point, aware);
  const testCurve = curve(test, testCovered, family, base);
  const oracleCurve = curve(test, testCovered, oracleShifts(test, testCovered), base);
  const oracleGainS = meanOf(oracleCurve.map((c) => c.aware - c.plain));
  const others = testCurve.map((c) => `at ${c.faPerH}/h: ${round(c.aware)} s vs plain ${round(c.plain)} s`);
  const curveGainS = meanOf(testCurve.map((c) => c.aware - c.plain));
  const meanShift = (k: RoadKind) => {
    const s = covered.filter((r) => r.kind === k).map(aware);
    return s.length ? round(s.reduce((a, b) => a + b, 0) / s.length, 2) : Number.NaN;
  };
  const seconds = (performance.now() - t0) / 1000;

  const worldNote = `world '${world}': ${roads.length} roads of a res-4 region (${covered.length} in the tile, ${uncovered.length} not: < k = ${K} camera-days); history ${hist.drives} drives over ${HISTORY_DAYS} days, ${manifest.provenance.nearMisses} near misses in ${manifest.provenance.exposureH} h`;
  const how = `both at ${budget} false alarms in ${round(fig.allPlain.normalHours, 1)} h of held-out normal driving (${TARGET_FA_PER_H}/h), each at its most sensitive threshold for it (plain raise ≥ ${round(point.raiseAt)} held ${point.raiseHoldS} s; prior-aware: the same, plus covered-road offset ${round(config.coveredOffsetLogit, 2)} logit); prior gain ${gain} (plain Bayes); threshold-sweep ≡ shifted scores: ${equivalent}`;
  return [
    {
      name: `${prefix}.mtta_s.covered`,
      value: round(fig.coveredAware.mttaS),
      unit: 's',
      better: 'higher',
      target: round(fig.coveredPlain.mttaS),
      note: `prior-aware on roads the tile covers, ${testCovered.length * TEST_DRIVES} held-out drives, ${fig.coveredAware.conflicts} conflicts, ${round(fig.coveredAware.recall * 100, 1)} % warned; junctions ${round(jAware.mttaS)} s vs plain ${round(jPlain.mttaS)} s; mean shift junction ${meanShift('junction')} / arterial ${meanShift('arterial')} / motorway ${meanShift('motorway')} logit; ${others.join('; ')}; ${how}; target = plain; ${worldNote}; ${round(seconds, 1)} s`,
    },
    {
      name: `${prefix}.mtta_s.covered.plain`,
      value: round(fig.coveredPlain.mttaS),
      unit: 's',
      better: 'higher',
      note: `plain model, same drives, ${round(fig.coveredPlain.recall * 100, 1)} % warned`,
    },
    {
      name: `${prefix}.mtta_s.uncovered`,
      value: round(fig.uncoveredAware.mttaS),
      unit: 's',
      better: 'higher',
      target: round(fig.uncoveredPlain.mttaS),
      note: `prior-aware on roads the tile does not cover (the plain model's fallback), ${testUncovered.length * UNCOVERED_TEST_DRIVES} held-out drives, ${fig.uncoveredAware.conflicts} conflicts; identical: ${fig.uncoveredAware.mttaS === fig.uncoveredPlain.mttaS && fig.uncoveredAware.falseAlarms === fig.uncoveredPlain.falseAlarms}`,
    },
    {
      name: `${prefix}.mtta_s.uncovered.plain`,
      value: round(fig.uncoveredPlain.mttaS),
      unit: 's',
      better: 'higher',
    },
    {
      name: `${prefix}.false_alarms_per_h`,
      value: round(fig.allAware.falseAlarmsPerH, 2),
      unit: '/h',
      better: 'lower',
      target: round(fig.allPlain.falseAlarmsPerH, 2),
      note: `prior-aware, raises in held-out normal driving (covered ${round(fig.coveredAware.falseAlarmsPerH, 2)}/h, uncovered ${round(fig.uncoveredAware.falseAlarmsPerH, 2)}/h); target = plain`,
    },
    {
      name: `${prefix}.false_alarms_per_h.plain`,
      value: round(fig.allPlain.falseAlarmsPerH, 2),
      unit: '/h',
      better: 'lower',
      note: `plain model (covered ${round(fig.coveredPlain.falseAlarmsPerH, 2)}/h, uncovered ${round(fig.uncoveredPlain.falseAlarmsPerH, 2)}/h)`,
    },
    {
      name: `${prefix}.mtta_gain_s.covered`,
      value: round(curveGainS),
      unit: 's',
      better: 'higher',
      target: 0,
      note: `prior-aware minus plain mTTA on covered held-out roads, mean over ${FA_RATES_PER_H.join(' / ')} false alarms per hour (each recalibrated on the held-out normal driving): ${others.join('; ')}`,
    },
    {
      name: `${prefix}.mtta_gain_s.covered.oracle`,
      value: round(oracleGainS),
      unit: 's',
      better: 'higher',
      note: `the same comparison with each covered road's expected conflict rate from its true scenario mix in place of the tile's estimate — a prior no camera can have; it bounds what better estimation alone could add: ${oracleCurve.map((c) => `at ${c.faPerH}/h: ${round(c.aware)} s vs plain ${round(c.plain)} s`).join('; ')}`,
    },
    {
      name: `${prefix}.tile_bytes`,
      value: tile.bytes.length,
      unit: 'B',
      better: 'lower',
      note: `${manifest.provenance.cells} cells at ${PRIOR_TILE_ENTRY_BYTES} B + ${PRIOR_TILE_HEADER_BYTES} B header; a fully covered res-4 tile (2,401 cells) is ${PRIOR_TILE_HEADER_BYTES + 2401 * PRIOR_TILE_ENTRY_BYTES} B; manifest ${JSON.stringify(manifest).length} B`,
    },
  ];
}

/**
 * Coverage-aware anticipation in a simulated region whose conflict rates differ by road: the
 * fleet's history becomes a signed prior tile (k = 5, empirical-Bayes shrinkage, near misses per
 * hour); on held-out drives (seeds the history never saw) the plain model and the prior-aware camera are compared at the
 * same number of false alarms in normal driving (each at its most sensitive threshold for it), on
 * covered roads and on roads the tile does not cover. `priors.*`: the `hazards` world;
 * `priors.queues.*`: the `queues` world (see the worlds above).
 */
export async function runPriorsBench(): Promise<BenchResult[]> {
  const scorer = createPortableBadasScorer(readBadasModel());
  return [
    ...(await runWorld('hazards', 'priors', scorer)),
    ...(await runWorld('queues', 'priors.queues', scorer)),
  ];
}
