import { gaussian } from '../../../lib/random/prng.ts';
import { createSeededRandom, type Random, uniform } from '../../core/random.ts';
import type { LeadKinematicsFrame } from '../kinematics.ts';

/**
 * The physics scenario generator BADAS is trained and measured on: one-lane longitudinal
 * traffic (ego + the lead in its path) with human drivers, seen through a noisy camera.
 *
 * Kinds:
 * - `following`: car following behind a lead whose speed wanders, with mild slow-downs.
 * - `lead_brake`: the same, then the lead brakes hard (3–9 m/s²), sometimes while the ego
 *   driver looks away.
 * - `cut_in`: a vehicle cuts in 4–25 m ahead, slower than the ego car.
 * - `cut_in_brake`: a cut-in that then brakes (held-out only: training never sees it).
 * - `stopped_ahead`: a stationary vehicle in the lane, first beyond the camera's range.
 * - `stop_and_go`: the lead drives a stop-and-go wave.
 * - `free_road`: no lead, or a far one that comes and goes.
 */
export type ScenarioKind =
  | 'following'
  | 'lead_brake'
  | 'cut_in'
  | 'cut_in_brake'
  | 'stopped_ahead'
  | 'stop_and_go'
  | 'free_road';

/** Relative weights of the kinds in a set. */
export type ScenarioMix = Partial<Record<ScenarioKind, number>>;

/** One generated drive: what perception reported per frame, and the ground truth labels. */
export interface Scenario {
  kind: ScenarioKind;
  frameHz: number;
  /** Perception's view: noisy, with missed, late and dropped detections. */
  frames: LeadKinematicsFrame[];
  /** Per frame: a conflict is going on (true TTC < 1.5 s or collision). */
  inConflict: boolean[];
  /** Start times of the conflicts (true kinematics), seconds. */
  conflictOnsetsS: number[];
  collided: boolean;
  /** Smallest true time-to-collision of the drive, seconds (Infinity when never closing). */
  minTrueTtcS: number;
  /** Whether the ego driver was made to look away at the critical moment. */
  distracted: boolean;
  /**
   * The true kinematics per frame (what perception would see without noise), for measuring the
   * generator itself against naturalistic driving: gap (NaN without a lead), closing speed, ego speed.
   */
  truth: { gapM: Float32Array; closingMps: Float32Array; egoSpeedMps: Float32Array };
  /**
   * When the scripted hazard became observable, seconds: the lead starts braking, the cut-in
   * happens, the stopped car is first detected. Nothing before it tells this drive from a normal
   * one, so no warning can honestly come earlier. Undefined for drives without a scripted hazard.
   */
  hazardVisibleS?: number;
}

/** Conflict definition of contract §1. */
export const CONFLICT_TTC_S = 1.5;
/** The label horizon: a conflict starts within the next 3 s. */
export const LABEL_HORIZON_S = 3;

function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[Math.floor(r.next() * xs.length)]!;
}

/** An IDM driver (Treiber et al. 2000) with a reaction delay and attention lapses. */
interface Driver {
  v0: number;
  headwayS: number;
  minGapM: number;
  accelMps2: number;
  comfortDecelMps2: number;
  maxBrakeMps2: number;
  reactionS: number;
  /** Spontaneous short lapses per minute. */
  lapsesPerMin: number;
}

/**
 * Kinds whose lead behaviour is routine: the lead's slow-downs and stops are expected (brake
 * lights, a wave ahead). The others script a surprise.
 */
const ROUTINE_KINDS: readonly ScenarioKind[] = ['following', 'stop_and_go', 'free_road'];

/**
 * Perception–brake times (Green 2000, "How long does it take to stop?", Transportation Human
 * Factors 2(3)): about 0.7–0.75 s when the event is expected, about 1.25 s when it is unexpected
 * but common (a lead braking hard, a car cutting in), longer for true surprises. Surprises
 * beyond that (looking away, overlooking a stopped car) are scripted on top as lapses. A delayed
 * car-following driver whose delay nears his time headway is unstable and crash-prone (Treiber,
 * Kesting & Helbing 2006, Physica A 360), which real drivers in a queue are not: drawing every
 * driver's delay up to 1.3 s made normal stop-and-go waves crash about twice an hour.
 */
const REACTION_S = { routine: [0.5, 1.0], surprise: [0.8, 1.6] } as const;

function drawDriver(r: Random, v0: number, kind: ScenarioKind, world: WorldOptions): Driver {
  const routine = ROUTINE_KINDS.includes(kind);
  const [reactLo, reactHi] = routine ? REACTION_S.routine : (world.surpriseReactionS ?? REACTION_S.surprise);
  const [accelLo, accelHi] = world.egoAccelMps2 ?? [0.8, 2.5];
  const [comfortLo, comfortHi] = world.egoComfortDecelMps2 ?? [1.5, 3];
  const [brakeLo, brakeHi] = world.egoMaxBrakeMps2 ?? [6, 9];
  return {
    v0,
    headwayS: uniform(r, ...(world.headwayS ?? [0.8, 2.2])),
    minGapM: uniform(r, 1.5, 4),
    accelMps2: uniform(r, accelLo, accelHi),
    comfortDecelMps2: uniform(r, comfortLo, comfortHi),
    maxBrakeMps2: uniform(r, brakeLo, brakeHi),
    reactionS: uniform(r, reactLo, reactHi),
    lapsesPerMin: uniform(r, ...(world.lapsesPerMin ?? [0.2, 1.5])),
  };
}

function idmAccel(d: Driver, v: number, gap: number | undefined, vLead: number): number {
  const free = d.accelMps2 * (1 - (v / d.v0) ** 4);
  if (gap === undefined) return free;
  if (gap <= 0.1) return -d.maxBrakeMps2;
  const dv = v - vLead;
  const sStar =
    d.minGapM + Math.max(0, v * d.headwayS + (v * dv) / (2 * Math.sqrt(d.accelMps2 * d.comfortDecelMps2)));
  return d.accelMps2 * (1 - (v / d.v0) ** 4 - (sStar / gap) ** 2);
}

/** Camera and sensor quality of one drive. */
interface Perception {
  maxRangeM: number;
  rangeNoiseRel: number;
  missRate: number;
  dropoutsPerMin: number;
  lateDetectS: number;
  closingLagS: number;
  speedNoiseMps: number;
  gpsHz: number;
  accelNoiseMps2: number;
  accelBiasMps2: number;
}

function drawPerception(r: Random, harsh: boolean, world: WorldOptions): Perception {
  const k = harsh ? 1.5 : 1;
  const [lagLo, lagHi] = world.closingLagS ?? [0.15, 0.5];
  return {
    maxRangeM: uniform(r, 45, 110) / (harsh ? 1.2 : 1),
    rangeNoiseRel: uniform(r, 0.02, 0.07) * k,
    missRate: uniform(r, 0.01, 0.1) * k,
    dropoutsPerMin: uniform(r, 0.5, 3) * k,
    lateDetectS: uniform(r, 0.1, 0.6) * k,
    closingLagS: uniform(r, lagLo, lagHi),
    speedNoiseMps: uniform(r, 0.1, 0.5) * k,
    gpsHz: pick(r, [1, 1, 5, 10]),
    accelNoiseMps2: uniform(r, 0.1, 0.4) * k,
    accelBiasMps2: uniform(r, -0.3, 0.3),
  };
}

/** A script for the lead: returns its acceleration (or undefined when there is no lead). */
interface LeadScript {
  /** Lead state changes the script may impose at time t (appear, disappear). */
  step(t: number, lead: LeadState, ego: { x: number; v: number }): void;
}

interface LeadState {
  present: boolean;
  x: number;
  v: number;
  a: number;
  /** Track id, bumped whenever a different object becomes the lead. */
  track: number;
}

interface Setup {
  durationS: number;
  egoV: number;
  driverV0: number;
  lead: LeadState;
  script: LeadScript;
  /** A forced lapse [start, end) of the ego driver, seconds. */
  lapse?: { atS: () => number | undefined; durS: number };
  /** The driver does not see the lead until it is this close (a stopped car overlooked). */
  noticeGapM?: number;
  /** When the scripted hazard starts (seconds); for a stopped car: its first detection. */
  hazardAtS?: number;
}

/** Lead speed that wanders (Ornstein–Uhlenbeck on acceleration) with occasional slow-downs. */
function wanderingLead(r: Random, vMean: number): LeadScript {
  let slowUntil = -1;
  let slowDecel = 0;
  return {
    step(t, lead) {
      if (!lead.present) return;
      if (t > slowUntil && r.next() < 0.002) {
        slowUntil = t + uniform(r, 1, 3);
        slowDecel = uniform(r, 0.8, 3);
      }
      const target = t < slowUntil ? -slowDecel : 0.3 * (vMean - lead.v) + 0.4 * gaussian(r);
      lead.a += 0.2 * (target - lead.a);
    },
  };
}

function setupFor(kind: ScenarioKind, r: Random, world: WorldOptions): Setup {
  const highway = r.next() < 0.4;
  const vCruise = highway ? uniform(r, 22, 33) : uniform(r, 9, 17);
  const lead: LeadState = { present: true, x: 0, v: vCruise, a: 0, track: 1 };
  const eqGap = (v: number) => 2 + v * uniform(r, 0.9, 2.2);
  const distractP = 0.55;
  switch (kind) {
    case 'following': {
      lead.x = eqGap(vCruise);
      return {
        durationS: uniform(r, 60, 120),
        egoV: vCruise,
        driverV0: vCruise * 1.15,
        lead,
        script: wanderingLead(r, vCruise),
      };
    }
    case 'lead_brake': {
      lead.x = eqGap(vCruise);
      const wander = wanderingLead(r, vCruise);
      const brakeAt = uniform(r, 8, 20);
      const decel = uniform(r, 3, 9);
      const vEnd = vCruise * (r.next() < 0.5 ? 0 : uniform(r, 0.2, 0.6));
      const distracted = r.next() < distractP;
      const lapseAtS = brakeAt + uniform(r, -1.5, 0.5);
      return {
        durationS: brakeAt + 15,
        hazardAtS: brakeAt,
        egoV: vCruise,
        driverV0: vCruise * 1.15,
        lead,
        script: {
          step(t, l, ego) {
            if (t < brakeAt) wander.step(t, l, ego);
            else l.a = l.v > vEnd ? -decel : 0;
          },
        },
        ...(distracted ? { lapse: { atS: () => lapseAtS, durS: uniform(r, 0.8, 3) } } : {}),
      };
    }
    case 'cut_in':
    case 'cut_in_brake': {
      const hasLead = r.next() < 0.5;
      lead.present = hasLead;
      lead.x = hasLead ? eqGap(vCruise) + 20 : 0;
      const wander = wanderingLead(r, vCruise);
      const cutAt = uniform(r, 8, 18);
      const cutGap = uniform(r, 4, 25);
      const [slowerLo, slowerHi] = world.cutInSlowerMps ?? [-1, 7];
      const slower = uniform(r, slowerLo, slowerHi);
      const brake = kind === 'cut_in_brake';
      const brakeDecel = uniform(r, 2, 6);
      const distracted = r.next() < distractP * 0.6;
      const lapseAtS = cutAt + uniform(r, -1, 0.3);
      let cut = false;
      return {
        durationS: cutAt + 15,
        hazardAtS: cutAt,
        egoV: vCruise,
        driverV0: vCruise * 1.1,
        lead,
        script: {
          step(t, l, ego) {
            if (!cut && t >= cutAt) {
              cut = true;
              l.present = true;
              l.x = ego.x + cutGap;
              l.v = Math.max(ego.v - slower, 0);
              l.a = 0;
              l.track++;
            }
            if (!cut) wander.step(t, l, ego);
            else if (brake && t > cutAt + 1 && t < cutAt + 4) l.a = l.v > 0 ? -brakeDecel : 0;
            else l.a = 0.3 * (vCruise * 0.8 - l.v) * (t > cutAt + 4 ? 1 : 0);
          },
        },
        ...(distracted ? { lapse: { atS: () => lapseAtS, durS: uniform(r, 0.8, 2.5) } } : {}),
      };
    }
    case 'stopped_ahead': {
      lead.present = true;
      lead.v = 0;
      const startGap = uniform(r, 160, 260);
      lead.x = startGap;
      const distracted = r.next() < distractP;
      // A distracted driver notices the stopped car only this many seconds (at cruise speed) away.
      const noticeS = uniform(r, 1.2, 4);
      return {
        durationS: startGap / vCruise + 12,
        egoV: vCruise,
        driverV0: vCruise,
        lead,
        script: {
          step(_t, l) {
            l.a = 0;
            l.v = 0;
          },
        },
        ...(distracted ? { noticeGapM: noticeS * vCruise } : {}),
      };
    }
    case 'stop_and_go': {
      const vHigh = uniform(r, 6, 15);
      lead.v = vHigh;
      lead.x = eqGap(vHigh);
      let phase: 'cruise' | 'slow' | 'stop' | 'go' = 'cruise';
      let phaseUntil = uniform(r, 3, 15);
      let decel = uniform(r, 1, 3);
      const accel = uniform(r, 0.8, 2);
      return {
        durationS: uniform(r, 90, 150),
        egoV: vHigh,
        driverV0: Math.max(vHigh * 1.3, 10),
        lead,
        script: {
          step(t, l) {
            if (phase === 'cruise' && t > phaseUntil) {
              phase = 'slow';
              decel = uniform(r, 1, 3);
            } else if (phase === 'slow' && l.v <= 0.05) {
              phase = 'stop';
              phaseUntil = t + uniform(r, 1, 8);
            } else if (phase === 'stop' && t > phaseUntil) phase = 'go';
            else if (phase === 'go' && l.v >= vHigh) {
              phase = 'cruise';
              phaseUntil = t + uniform(r, 2, 12);
            }
            l.a =
              phase === 'slow' ? -decel : phase === 'go' ? accel : phase === 'stop' ? 0 : 0.3 * (vHigh - l.v);
          },
        },
      };
    }
    case 'free_road': {
      lead.present = false;
      let nextEvent = uniform(r, 5, 30);
      return {
        durationS: uniform(r, 60, 150),
        egoV: vCruise,
        driverV0: vCruise,
        lead,
        script: {
          step(t, l, ego) {
            if (t < nextEvent) return;
            nextEvent = t + uniform(r, 5, 30);
            if (l.present) l.present = false;
            else {
              l.present = true;
              l.x = ego.x + uniform(r, 50, 120);
              l.v = ego.v + uniform(r, -2, 4);
              l.track++;
            }
            l.a = 0;
          },
        },
      };
    }
  }
}

/**
 * The traffic and drivers of the world a drive comes from. Every field defaults to the training
 * world's range; a fleet that drives a wider world (`edge/badas/training/fleetWorld.ts`) widens
 * them. Each range is drawn with the same single uniform draw as the default, so a drive's other
 * draws do not move when a range changes.
 */
export interface WorldOptions {
  /** Perception–brake time of a surprised driver, s (default 0.8–1.6, Green 2000). */
  surpriseReactionS?: readonly [number, number];
  /** How much slower than the ego car a cut-in vehicle is, m/s (default −1 to 7). */
  cutInSlowerMps?: readonly [number, number];
  /** Ego vehicle's hardest braking, m/s² (default 6–9: a car; a loaded heavy truck manages ~4–6). */
  egoMaxBrakeMps2?: readonly [number, number];
  /** Ego driver's comfortable braking, m/s² (default 1.5–3). */
  egoComfortDecelMps2?: readonly [number, number];
  /** Ego driver's comfortable acceleration, m/s² (default 0.8–2.5). */
  egoAccelMps2?: readonly [number, number];
  /** Ego driver's desired time headway, s (default 0.8–2.2). */
  headwayS?: readonly [number, number];
  /** Ego driver's spontaneous attention lapses per minute (default 0.2–1.5). */
  lapsesPerMin?: readonly [number, number];
  /** Lag of the camera's closing-speed estimate (its tracker's smoothing), s (default 0.15–0.5). */
  closingLagS?: readonly [number, number];
}

/** Options of {@link generateScenario}. */
export interface GenerateOptions {
  /** Traffic and drivers (default: the training world). */
  world?: WorldOptions;
  /** Worse perception than training saw (held-out robustness). */
  harshPerception?: boolean;
  /** Camera frame rates drawn from (5–30 Hz). */
  frameRatesHz?: readonly number[];
}

/**
 * Simulates one drive of `kind` from `seed`: same seed, same drive, on any engine.
 *
 * @example const s = generateScenario('lead_brake', 'train:17');
 */
export function generateScenario(kind: ScenarioKind, seed: string, opts: GenerateOptions = {}): Scenario {
  const r = createSeededRandom(seed);
  const frameHz = pick(r, opts.frameRatesHz ?? [5, 10, 15, 20, 30]);
  const frameDt = 1 / frameHz;
  const sub = Math.ceil(frameDt / 0.05);
  const dt = frameDt / sub;
  const world = opts.world ?? {};
  const setup = setupFor(kind, r, world);
  const driver = drawDriver(r, setup.driverV0, kind, world);
  const cam = drawPerception(r, opts.harshPerception ?? false, world);
  const lead = setup.lead;
  const ego = { x: 0, v: setup.egoV, a: 0 };
  const delaySteps = Math.max(1, Math.round(driver.reactionS / dt));
  // What the driver saw, delaySteps ago: [gap or NaN, lead speed].
  const seen: [number, number, number][] = [];
  let lapseUntil = -1;
  let forcedLapseDone = setup.lapse === undefined;
  let command = 0;
  let accelNoise = 0;
  let collided = false;
  let minTrueTtcS = Number.POSITIVE_INFINITY;

  // Perception state.
  let track = -1;
  let trackSeenS = 0;
  let trackBias = 1;
  let rangeAr = 0;
  let closingFilt = 0;
  let dropoutUntil = -1;
  let gpsSpeed = ego.v;
  let nextGpsS = 0;
  let firstDetectionS: number | undefined;

  const frames: LeadKinematicsFrame[] = [];
  const inConflict: boolean[] = [];
  const steps = Math.round(setup.durationS / frameDt);
  const truth = {
    gapM: new Float32Array(steps),
    closingMps: new Float32Array(steps),
    egoSpeedMps: new Float32Array(steps),
  };
  for (let f = 0; f < steps && !collided; f++) {
    const t = f * frameDt;
    for (let s = 0; s < sub; s++) {
      const ts = t + s * dt;
      setup.script.step(ts, lead, ego);
      const gapTrue = lead.present ? lead.x - ego.x : Number.NaN;
      seen.push([gapTrue, lead.v, lead.a]);
      if (seen.length > delaySteps) seen.shift();
      if (!forcedLapseDone) {
        const at = setup.lapse!.atS();
        if (at !== undefined && ts >= at) {
          lapseUntil = ts + setup.lapse!.durS;
          forcedLapseDone = true;
        }
      }
      if (ts > lapseUntil && r.next() < (driver.lapsesPerMin / 60) * dt) {
        lapseUntil = ts + uniform(r, 0.3, 1.5);
        // Looking away, a driver eases off the throttle rather than keeping on accelerating.
        command = Math.min(command, 0);
      }
      if (ts > lapseUntil) {
        // The driver reacts to what he saw reactionS ago, but knows his own speed and
        // extrapolates the gap with it (Treiber's human driver model): without that, a delayed
        // IDM driver misjudges a stopped car by v·τ (40 m at motorway speed) and hits it. He
        // also extrapolates the lead's speed with the deceleration he saw (brake lights and
        // looming show it): the human driver model's temporal anticipation (Treiber, Kesting &
        // Helbing 2006, Physica A 360) applied to the lead. Without it, every routine stop of a
        // stop-and-go wave surprised the driver by a_lead·τ of closing speed, and normal waves
        // crossed TTC 1.5 s 36 times an hour (0 with anticipation in following, 7.5 in waves).
        // A lapse still freezes all of it, which is where the surprises come from.
        const [g, vlSeen, alSeen] = seen[0]!;
        const overlooked = setup.noticeGapM !== undefined && !(g <= setup.noticeGapM);
        const tau = seen.length * dt;
        const vl = Math.max(0, vlSeen + alSeen * tau);
        const gapEst =
          Number.isNaN(g) || overlooked ? undefined : g - ego.v * tau + ((vlSeen + vl) / 2) * tau;
        command = idmAccel(driver, ego.v, gapEst, vl);
      }
      // Human pedal noise, and the car's limits.
      accelNoise += 0.1 * (0.25 * gaussian(r) - accelNoise);
      ego.a = Math.max(-driver.maxBrakeMps2, Math.min(driver.accelMps2 * 1.2, command + accelNoise));
      ego.v = Math.max(0, ego.v + ego.a * dt);
      ego.x += ego.v * dt;
      lead.v = Math.max(0, lead.v + lead.a * dt);
      lead.x += lead.v * dt;
      if (lead.present && lead.x - ego.x <= 0) collided = true;
    }
    const tEnd = t + frameDt;
    const gapTrue = lead.present ? Math.max(lead.x - ego.x, 0) : undefined;
    const closingTrue = lead.present ? ego.v - lead.v : 0;
    const conflict =
      collided || (gapTrue !== undefined && closingTrue > 0.1 && gapTrue / closingTrue < CONFLICT_TTC_S);
    inConflict.push(conflict);
    truth.gapM[f] = gapTrue ?? Number.NaN;
    truth.closingMps[f] = closingTrue;
    truth.egoSpeedMps[f] = ego.v;
    if (gapTrue !== undefined && closingTrue > 0.1)
      minTrueTtcS = Math.min(minTrueTtcS, gapTrue / closingTrue);

    // Perception.
    if (tEnd >= nextGpsS) {
      gpsSpeed = Math.max(0, ego.v + cam.speedNoiseMps * gaussian(r));
      nextGpsS = tEnd + 1 / cam.gpsHz;
    }
    const frame: LeadKinematicsFrame = {
      tS: Math.round(tEnd * 1000) / 1000,
      egoSpeedMps: gpsSpeed,
      egoAccelMps2: ego.a + cam.accelBiasMps2 + cam.accelNoiseMps2 * gaussian(r),
    };
    if (tEnd > dropoutUntil && r.next() < (cam.dropoutsPerMin / 60) * frameDt)
      dropoutUntil = tEnd + uniform(r, 0.2, 1.2);
    if (gapTrue !== undefined && gapTrue <= cam.maxRangeM) {
      if (lead.track !== track) {
        track = lead.track;
        trackSeenS = tEnd + cam.lateDetectS * uniform(r, 0.5, 1.5);
        trackBias = uniform(r, 0.85, 1.15);
        closingFilt = closingTrue * trackBias;
        rangeAr = 0;
      }
      const alpha = Math.min(1, frameDt / cam.closingLagS);
      closingFilt += alpha * (closingTrue * trackBias - closingFilt);
      rangeAr = 0.7 * rangeAr + 0.3 * gaussian(r);
      const detected = tEnd >= trackSeenS && tEnd > dropoutUntil && r.next() >= cam.missRate;
      if (detected) {
        firstDetectionS ??= frame.tS;
        const sigma = cam.rangeNoiseRel * gapTrue + 0.15;
        frame.leadGapM = Math.max(0, gapTrue * trackBias + sigma * (0.6 * rangeAr + 0.8 * gaussian(r)));
        // A new track has no range rate for its first frames.
        if (tEnd >= trackSeenS + 0.2)
          frame.leadClosingMps = closingFilt + (0.2 + 0.02 * gapTrue) * gaussian(r);
      }
    } else if (gapTrue === undefined) track = -1;
    frames.push(frame);
  }
  return {
    kind,
    frameHz,
    frames,
    inConflict,
    conflictOnsetsS: conflictOnsets(frames, inConflict),
    collided,
    minTrueTtcS: collided ? 0 : minTrueTtcS,
    distracted: setup.lapse !== undefined || setup.noticeGapM !== undefined,
    ...(kind === 'stopped_ahead' && firstDetectionS !== undefined
      ? { hazardVisibleS: firstDetectionS }
      : setup.hazardAtS !== undefined
        ? { hazardVisibleS: setup.hazardAtS }
        : {}),
    truth: {
      gapM: truth.gapM.slice(0, frames.length),
      closingMps: truth.closingMps.slice(0, frames.length),
      egoSpeedMps: truth.egoSpeedMps.slice(0, frames.length),
    },
  };
}

/** Conflict runs closer than this merge into one (a TTC hovering around 1.5 s is one event). */
const MERGE_S = 1;

function conflictOnsets(frames: readonly LeadKinematicsFrame[], inConflict: readonly boolean[]): number[] {
  const onsets: number[] = [];
  let lastConflictS = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < frames.length; i++) {
    if (!inConflict[i]) continue;
    const t = frames[i]!.tS;
    if (t - lastConflictS > MERGE_S) onsets.push(t);
    lastConflictS = t;
  }
  return onsets;
}

/**
 * Per-frame label: does a conflict start within the next 3 s? `undefined` for frames inside a
 * conflict (anticipation is about what has not happened yet; those frames are not scored).
 */
export function frameLabels(s: Scenario): (0 | 1 | undefined)[] {
  const out: (0 | 1 | undefined)[] = [];
  let k = 0;
  for (let i = 0; i < s.frames.length; i++) {
    const t = s.frames[i]!.tS;
    while (k < s.conflictOnsetsS.length && s.conflictOnsetsS[k]! <= t) k++;
    if (s.inConflict[i]) out.push(undefined);
    else {
      const next = s.conflictOnsetsS[k];
      out.push(next !== undefined && next - t <= LABEL_HORIZON_S ? 1 : 0);
    }
  }
  return out;
}

/** A reproducible set of scenarios: kinds drawn from `mix`, each from its own seed. */
export function generateScenarioSet(
  seed: string,
  count: number,
  mix: ScenarioMix,
  opts: GenerateOptions = {},
): Scenario[] {
  const r = createSeededRandom(`${seed}:mix`);
  const kinds = Object.entries(mix) as [ScenarioKind, number][];
  const total = kinds.reduce((a, [, w]) => a + w, 0);
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    let u = r.next() * total;
    let kind = kinds[0]![0];
    for (const [k, w] of kinds) {
      u -= w;
      if (u < 0) {
        kind = k;
        break;
      }
    }
    out.push(generateScenario(kind, `${seed}:${i}`, opts));
  }
  return out;
}

/** Training mix: every kind but the held-out `cut_in_brake`. */
export const TRAINING_MIX: ScenarioMix = {
  following: 2,
  lead_brake: 3,
  cut_in: 2,
  stopped_ahead: 2,
  stop_and_go: 2,
  free_road: 1,
};

/** Held-out mix: other weights, and a kind training never saw (`cut_in_brake`). */
export const HELD_OUT_MIX: ScenarioMix = {
  following: 1,
  lead_brake: 2,
  cut_in: 1,
  cut_in_brake: 2,
  stopped_ahead: 3,
  stop_and_go: 1,
  free_road: 1,
};
