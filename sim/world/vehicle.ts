import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { headingDiffDeg } from '../../lib/geo/distance.ts';
import type { Prng } from '../../lib/random/prng.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { type Incident, incidentReaction } from './incidents.ts';
import type { RoadEdge, RoadGraph } from './roadGraph.ts';
import type { Scenario } from './scenario.ts';
import { TripRecorder } from './tripRecorder.ts';

/** How one driver drives; drawn once per vehicle. */
export interface DriverProfile {
  /** Multiplies the speed limit: some drivers keep below it, some above. */
  speedFactor: number;
  accelMps2: number;
  /** Deceleration used to slow for junctions, turns and stops: normal braking, 1–2 m/s². */
  comfortDecelMps2: number;
}

/** What a vehicle needs to know about the world while driving. */
export interface DrivingWorld {
  graph: RoadGraph;
  /** Incidents by edge index (all of them, active or not: activity is checked on approach). */
  incidentsByEdge: ReadonlyMap<number, readonly Incident[]>;
  /** Junction node → share of passing drivers who brake hard there (busy junctions only). */
  busyJunctions: ReadonlyMap<number, number>;
  backgroundBrakesPer100Km: number;
}

/** The world a scenario's vehicles drive in: its road graph, incidents by edge and busy junctions. */
export function drivingWorld(graph: RoadGraph, scenario: Scenario): DrivingWorld {
  const incidentsByEdge = new Map<number, Incident[]>();
  for (const inc of scenario.incidents)
    incidentsByEdge.set(inc.edge, [...(incidentsByEdge.get(inc.edge) ?? []), inc]);
  return {
    graph,
    incidentsByEdge,
    busyJunctions: new Map(scenario.busyJunctions.map((j) => [j.node, j.brakeShare])),
    backgroundBrakesPer100Km: scenario.backgroundBrakesPer100Km,
  };
}

/** Normal braking never exceeds this; hard brakes (≥ 3.5 m/s²) come only from triggers. */
const MAX_NORMAL_DECEL_MPS2 = 2.5;
/**
 * Sensed vehicles (the camera path) brake ordinarily at ≤ 2 m/s²: naturalistic-driving data put
 * everyday braking around 1–2 m/s², and the IMU sees every step of it.
 */
const MAX_NORMAL_DECEL_SENSED_MPS2 = 2;
/**
 * Jerk limits of a sensed vehicle: a pedal is not a step. Everyday speed changes stay under
 * ~2.5 m/s³ (passenger comfort), emergency brakes build up at ~10–15 m/s³ (brake-assist
 * studies), so a 6 m/s² stop needs ~0.5 s to reach full deceleration.
 */
const COMFORT_JERK_MPS3 = 2.5;
const BRAKE_JERK_MPS3 = 12;
/** Distance ahead within which junctions and stops shape the target speed. */
const LOOKAHEAD_M = 600;
/** Trip cells are sampled at least this often along the road, well below a res-10 cell (≈ 66 m edge). */
const CELL_SAMPLE_M = 10;
/** Background hard brakes only at speed: at a crawl a hard brake cannot reach 3.5 m/s² for long. */
const MIN_BRAKE_SPEED_MPS = 8;

interface Constraint {
  atM: number;
  capMps: number;
  dwellS: number;
}

type Action =
  | { atM: number; type: 'approach'; incident: Incident; incidentAtM: number }
  | { atM: number; type: 'brake'; decelMps2: number; toSpeedFraction: number }
  | { atM: number; type: 'anomaly'; kind: 'pothole' | 'debris'; severity: number }
  | { atM: number; type: 'junction'; share: number };

interface Trip {
  edges: number[];
  startM: number[];
  totalM: number;
  constraints: Constraint[];
  actions: Action[];
  /** Absent for sensed vehicles: their camera records the trip. */
  recorder: TripRecorder | undefined;
}

/** A hard brake a sensed vehicle begins: the ground truth its camera should detect. */
export interface BrakeTruth {
  tMs: number;
  lat: number;
  lng: number;
  headingDeg: number;
  fromMps: number;
  toMps: number;
  decelMps2: number;
}

/** The wheels of a sensed vehicle reach a road feature of an incident (a pothole, debris). */
export interface RoadFeatureTruth {
  tMs: number;
  kind: 'pothole' | 'debris';
  /** The incident that placed it. */
  incidentId: string;
  lat: number;
  lng: number;
  speedMps: number;
}

/**
 * Where a *sensed* vehicle reports what physically happens, instead of writing contract events
 * itself: its camera (`edge/`) must find these in the sensor streams.
 */
export interface VehicleTruth {
  hardBrake(b: BrakeTruth): void;
  roadFeature(f: RoadFeatureTruth): void;
}

/** A planned route handed to a vehicle: edge indices from its current node. */
export interface PlannedRoute {
  edges: number[];
}

/** Live state of a vehicle, for maps. */
export interface VehicleView {
  lat: number;
  lng: number;
  heading: number;
  speedMps: number;
  driving: boolean;
}

/**
 * One simulated car with its dash cam: drives planned routes with limited acceleration, slows for
 * turns, junction stops and speed changes, brakes hard for incidents and occasionally for no
 * modelled reason, and emits contract events (hard brakes, road anomalies, trip segments).
 */
export class Vehicle {
  lat: number;
  lng: number;
  heading = 0;
  speedMps = 0;
  /** Current graph node while parked; the trip's last node while driving. */
  node: number;
  departAtMs: number;
  private trip: Trip | undefined;
  private s = 0;
  private ci = 0;
  private dwellS = 0;
  private brake: { decelMps2: number; toMps: number } | undefined;
  private slowZone: { fromM: number; untilM: number; capMps: number } | undefined;
  private cursorEdge = 0;
  private cursorVertex = 0;
  private odometerM = 0;
  private nextBackgroundBrakeM: number;
  private nextSampleM = 0;
  private accel = 0;
  private lastApproach: Incident | undefined;

  constructor(
    readonly displayId: string,
    readonly driver: DriverProfile,
    private readonly prng: Prng,
    graph: RoadGraph,
    startNode: number,
    departAtMs: number,
    private readonly backgroundBrakesPer100Km: number,
    /** When given, the vehicle is sensed: jerk-limited, no events of its own, truth goes here. */
    private readonly truth?: VehicleTruth,
  ) {
    const n = graph.nodes[startNode];
    if (!n) throw new RangeError(`no node ${startNode}`);
    this.node = startNode;
    this.lat = n.lat;
    this.lng = n.lng;
    this.departAtMs = departAtMs;
    this.nextBackgroundBrakeM = this.drawBackgroundGap();
  }

  /** True while on a trip. */
  get driving(): boolean {
    return this.trip !== undefined;
  }

  /** Longitudinal acceleration over the last step, m/s² (braking negative). */
  get accelMps2(): number {
    return this.accel;
  }

  /** The live view for maps. */
  view(): VehicleView {
    return {
      lat: this.lat,
      lng: this.lng,
      heading: this.heading,
      speedMps: this.speedMps,
      driving: this.driving,
    };
  }

  private drawBackgroundGap(): number {
    if (this.backgroundBrakesPer100Km <= 0) return Number.POSITIVE_INFINITY;
    return this.odometerM + this.prng.exponential(100_000 / this.backgroundBrakesPer100Km);
  }

  /** Starts a trip along `route` at `tMs`. */
  startTrip(route: PlannedRoute, world: DrivingWorld, tMs: number): void {
    const { graph } = world;
    const edges = route.edges;
    const startM: number[] = [];
    let total = 0;
    for (const ei of edges) {
      startM.push(total);
      total += (graph.edges[ei] as RoadEdge).lengthM;
    }
    const constraints: Constraint[] = [];
    const actions: Action[] = [];
    for (let k = 0; k < edges.length; k++) {
      const e = graph.edges[edges[k] as number] as RoadEdge;
      const next = graph.edges[edges[k + 1] ?? -1];
      const endM = (startM[k] as number) + e.lengthM;
      for (const inc of world.incidentsByEdge.get(e.index) ?? []) {
        const at = (startM[k] as number) + inc.offsetM;
        actions.push({ atM: Math.max(0, at - 90), type: 'approach', incident: inc, incidentAtM: at });
      }
      if (!next) continue;
      const share = world.busyJunctions.get(e.to);
      if (share !== undefined)
        actions.push({ atM: Math.max(0, endM - this.prng.uniform(10, 40)), type: 'junction', share });
      const turn = headingDiffDeg(e.headingEndDeg, next.headingStartDeg);
      // Turn speeds: lateral acceleration ≈ v²/r stays below ~2.5 m/s² on typical urban corner radii.
      let cap = turn < 25 ? Number.POSITIVE_INFINITY : turn < 50 ? 13 : turn < 95 ? 7.5 : 5;
      cap = Math.min(cap, next.speedLimitMps * this.driver.speedFactor);
      const node = graph.nodes[e.to];
      const intersection = node !== undefined && node.in.length + node.out.length >= 5;
      const controlledAccess = (c: string): boolean => c.startsWith('motorway') || c.startsWith('trunk');
      // A red light or a stop sign at roughly a third of surface-street intersections.
      const stop =
        intersection &&
        !controlledAccess(e.roadClass) &&
        !controlledAccess(next.roadClass) &&
        this.prng.chance(0.3);
      constraints.push({ atM: endM, capMps: stop ? 0 : cap, dwellS: stop ? this.prng.uniform(5, 35) : 0 });
      if (this.truth && Number.isFinite(cap) && turn >= 25) {
        // A sensed car turns along an arc, not at a point: it keeps the turn speed until the
        // turn is done (radius v²/a_lat at ~2.5 m/s² lateral), so its IMU and its GPS agree.
        const arcM = Math.min(((cap * cap) / 2.5) * ((turn * Math.PI) / 180), next.lengthM * 0.8);
        constraints.push({ atM: endM + arcM, capMps: cap, dwellS: 0 });
      }
    }
    constraints.push({ atM: total, capMps: 0, dwellS: 0 });
    // Stable: arcs never reach past the next junction, so only neighbours can swap.
    constraints.sort((a, b) => a.atM - b.atM);
    actions.sort((a, b) => a.atM - b.atM);
    this.trip = {
      edges,
      startM,
      totalM: total,
      constraints,
      actions,
      recorder: this.truth ? undefined : new TripRecorder(this.prng),
    };
    this.s = 0;
    this.ci = 0;
    this.dwellS = 0;
    this.brake = undefined;
    this.slowZone = undefined;
    this.cursorEdge = 0;
    this.cursorVertex = 0;
    this.nextSampleM = 0;
    this.speedMps = 0;
    this.accel = 0;
    this.locate(world.graph, 0);
    this.trip.recorder?.record(this.lat, this.lng, tMs, 0, this.heading);
  }

  /** Moves the position cursor to route distance `s` (monotone) and updates lat/lng/heading. */
  private locate(graph: RoadGraph, s: number): void {
    const trip = this.trip as Trip;
    while (
      this.cursorEdge < trip.edges.length - 1 &&
      s >
        (trip.startM[this.cursorEdge] as number) +
          (graph.edges[trip.edges[this.cursorEdge] as number] as RoadEdge).lengthM
    ) {
      this.cursorEdge++;
      this.cursorVertex = 0;
    }
    const e = graph.edges[trip.edges[this.cursorEdge] as number] as RoadEdge;
    const off = Math.min(e.lengthM, Math.max(0, s - (trip.startM[this.cursorEdge] as number)));
    while (this.cursorVertex < e.cumM.length - 2 && (e.cumM[this.cursorVertex + 1] as number) < off)
      this.cursorVertex++;
    const j = this.cursorVertex;
    const a = e.cumM[j] as number;
    const b = e.cumM[j + 1] as number;
    const t = b > a ? (off - a) / (b - a) : 0;
    const lat0 = e.lats[j] as number;
    const lng0 = e.lngs[j] as number;
    const dLat = (e.lats[j + 1] as number) - lat0;
    const dLng = (e.lngs[j + 1] as number) - lng0;
    this.lat = lat0 + t * dLat;
    this.lng = lng0 + t * dLng;
    if (dLat !== 0 || dLng !== 0) {
      const h = (Math.atan2(dLng * Math.cos((lat0 * Math.PI) / 180), dLat) * 180) / Math.PI;
      this.heading = (h + 360) % 360;
    }
  }

  /**
   * Advances the vehicle by `dtS` seconds ending at `tMs`, appending the events it produces.
   * Returns true when the trip ended in this step (its final segment is in `out`).
   */
  step(world: DrivingWorld, tMs: number, dtS: number, out: TelemetryEvent[]): boolean {
    const trip = this.trip;
    if (!trip) return false;
    const { graph } = world;
    const edge = graph.edges[trip.edges[this.cursorEdge] as number] as RoadEdge;
    const v0 = this.speedMps;
    let v1: number;
    if (this.dwellS > 0) {
      this.dwellS -= dtS;
      // A sensed vehicle that reaches the line a little fast rolls on and stops at an ordinary
      // deceleration; it never stops dead (that would be a hard brake nobody made).
      v1 = this.truth ? Math.max(0, v0 - MAX_NORMAL_DECEL_SENSED_MPS2 * dtS) : 0;
      if (this.dwellS <= 0) this.ci++;
    } else if (this.brake) {
      v1 = Math.max(this.brake.toMps, v0 - this.brake.decelMps2 * dtS);
      if (v1 <= this.brake.toMps) this.brake = undefined;
    } else {
      let target = edge.speedLimitMps * this.driver.speedFactor;
      // A sensed (jerk-limited) vehicle plans with some margin below its deceleration cap, so the
      // lag of the pedal never leaves it arriving too fast.
      const b = this.truth
        ? Math.min(this.driver.comfortDecelMps2, 0.8 * MAX_NORMAL_DECEL_SENSED_MPS2)
        : this.driver.comfortDecelMps2;
      for (let i = this.ci; i < trip.constraints.length; i++) {
        const c = trip.constraints[i] as Constraint;
        const d = c.atM - this.s;
        if (d > LOOKAHEAD_M) break;
        // Speed from which comfortable braking reaches the cap at the constraint; never below a
        // crawl so that the vehicle actually arrives.
        const allowed = Math.sqrt(c.capMps * c.capMps + 2 * b * Math.max(0, d - 2));
        target = Math.min(target, Math.max(allowed, 1.5));
      }
      const z = this.slowZone;
      if (z && this.s >= z.fromM - 60 && this.s < z.untilM) target = Math.min(target, z.capMps);
      // A sensed vehicle has no instant stop at the destination: it brakes to a halt there.
      if (this.truth && this.s >= trip.totalM - 0.5) target = 0;
      const maxDecel = this.truth ? MAX_NORMAL_DECEL_SENSED_MPS2 : MAX_NORMAL_DECEL_MPS2;
      v1 =
        v0 < target
          ? Math.min(target, v0 + this.driver.accelMps2 * dtS)
          : Math.max(target, v0 - maxDecel * dtS);
    }
    if (this.truth) v1 = this.limitJerk(v0, v1, dtS);
    const ds = ((v0 + v1) / 2) * dtS;
    const sOld = this.s;
    let sNew = sOld + ds;
    // Stops: arriving at a stop constraint halts the vehicle there for its dwell.
    while (this.ci < trip.constraints.length && this.dwellS <= 0) {
      const c = trip.constraints[this.ci] as Constraint;
      if (c.atM > sNew) break;
      if (c.dwellS > 0) {
        sNew = c.atM;
        // A sensed vehicle rolls to a halt over the next steps (jerk-limited) instead of
        // stopping dead; the dwell holds it there.
        if (!this.truth) v1 = 0;
        this.dwellS = c.dwellS;
        break;
      }
      this.ci++;
    }
    this.speedMps = v1;
    this.accel = (v1 - v0) / dtS;
    const moved = sNew - sOld;
    this.odometerM += moved;
    trip.recorder?.addDistance(moved);
    // Trip cells: sample along the road between the previous and the new position.
    while (trip.recorder && this.nextSampleM < sNew) {
      this.locate(graph, this.nextSampleM);
      const frac = moved > 0 ? (this.nextSampleM - sOld) / moved : 1;
      trip.recorder.record(this.lat, this.lng, tMs - (1 - Math.max(0, frac)) * dtS * 1000, v1, this.heading);
      this.nextSampleM += CELL_SAMPLE_M;
    }
    this.s = sNew;
    this.locate(graph, sNew);
    trip.recorder?.record(this.lat, this.lng, tMs, v1, this.heading);
    this.runActions(trip, tMs, out);
    if (this.odometerM >= this.nextBackgroundBrakeM) {
      if (v1 >= MIN_BRAKE_SPEED_MPS && !this.brake)
        this.hardBrake(this.prng.uniform(3.5, 5.5), this.prng.uniform(0.4, 0.7), tMs, out);
      this.nextBackgroundBrakeM = this.drawBackgroundGap();
    }
    if (sNew >= trip.totalM - 0.5 && (!this.truth || v1 === 0)) {
      const seg = trip.recorder?.takeSegment(tMs, true);
      if (seg) out.push(seg);
      this.node = (graph.edges[trip.edges[trip.edges.length - 1] as number] as RoadEdge).to;
      this.trip = undefined;
      this.speedMps = 0;
      this.accel = (0 - v0) / dtS;
      return true;
    }
    return false;
  }

  /**
   * The speed a jerk-limited vehicle actually reaches when it wants `wantMps`: acceleration
   * moves toward the wanted one by at most the jerk limit per step (a harder limit while a hard
   * brake is on), and speed never goes negative.
   */
  private limitJerk(v0: number, wantMps: number, dtS: number): number {
    const want = (wantMps - v0) / dtS;
    const a0 = this.accel;
    let a: number;
    if (!this.brake && a0 < 0 && want > a0) {
      // Easing off a brake is lifting a foot: quick back to zero, gentle beyond it.
      a = Math.min(want, a0 + BRAKE_JERK_MPS3 * dtS);
      if (a > 0) a = Math.min(a, COMFORT_JERK_MPS3 * dtS);
    } else if (!this.brake && a0 > 0 && want < a0) {
      a = Math.max(want, a0 - BRAKE_JERK_MPS3 * dtS);
      if (a < 0) a = Math.max(a, -2 * COMFORT_JERK_MPS3 * dtS);
    } else {
      // Building up: gently (braking a little quicker than accelerating), a hard brake at once.
      const jerk = this.brake ? BRAKE_JERK_MPS3 : want < a0 ? 2 * COMFORT_JERK_MPS3 : COMFORT_JERK_MPS3;
      a = a0 + Math.max(-jerk * dtS, Math.min(jerk * dtS, want - a0));
    }
    const v1 = Math.max(0, v0 + a * dtS);
    // Braking through zero means the car has stopped: no reverse, and no pull forward to a "target".
    return wantMps <= 0 && v1 < 0.05 ? 0 : v1;
  }

  private runActions(trip: Trip, tMs: number, out: TelemetryEvent[]): void {
    while (trip.actions.length > 0 && (trip.actions[0] as Action).atM <= this.s) {
      const a = trip.actions.shift() as Action;
      if (a.type === 'approach') {
        const inc = a.incident;
        if (tMs < inc.startMs || tMs >= inc.endMs) continue;
        this.lastApproach = inc;
        const r = incidentReaction(inc.kind, this.speedMps, this.prng);
        const followUps: Action[] = [];
        if (r.brake) {
          followUps.push({
            atM: a.incidentAtM - r.brake.atDistanceM,
            type: 'brake',
            decelMps2: r.brake.decelMps2,
            toSpeedFraction: r.brake.toSpeedFraction,
          });
        }
        if (r.anomaly) followUps.push({ atM: a.incidentAtM, type: 'anomaly', ...r.anomaly });
        const limit = this.speedMps > 0 ? Math.max(this.speedMps, 5) : 5;
        // A sensed driver who brakes hard saw the obstacle late: no gentle slowdown before the
        // brake (their hard brake sets its own slow zone). Slowing early and then "braking hard"
        // at a crawl would be a 0.4 s dab, not the 1.5–3 s hard brake its IMU should show.
        if (!(this.truth && r.brake))
          this.slowZone = {
            fromM: a.incidentAtM - 40,
            untilM: a.incidentAtM + 30,
            capMps: Math.max(3, limit * r.passFraction),
          };
        trip.actions.push(...followUps);
        trip.actions.sort((x, y) => x.atM - y.atM);
      } else if (a.type === 'brake') {
        if (this.speedMps >= 3 && !this.brake) this.hardBrake(a.decelMps2, a.toSpeedFraction, tMs, out);
      } else if (a.type === 'junction') {
        if (this.speedMps >= MIN_BRAKE_SPEED_MPS / 2 && !this.brake && this.prng.chance(a.share)) {
          this.hardBrake(this.prng.uniform(3.5, 5), this.prng.uniform(0.3, 0.6), tMs, out);
        }
      } else if (this.truth) {
        const inc = this.lastApproach;
        this.truth.roadFeature({
          tMs,
          kind: a.kind,
          incidentId: inc?.id ?? '',
          lat: this.lat,
          lng: this.lng,
          speedMps: this.speedMps,
        });
      } else {
        out.push({
          id: this.prng.uuid(),
          type: 'road_anomaly',
          ts: isoOf(tMs),
          lat: round6(this.lat),
          lng: round6(this.lng),
          heading: roundHeading(this.heading),
          speedMps: round2(this.speedMps),
          kind: a.kind,
          severity: a.severity,
        });
      }
    }
  }

  private hardBrake(decelMps2: number, toSpeedFraction: number, tMs: number, out: TelemetryEvent[]): void {
    this.brake = { decelMps2, toMps: this.speedMps * toSpeedFraction };
    // Keep the lower speed a little while: the driver passes the obstacle before speeding up again.
    this.slowZone = {
      fromM: this.s,
      untilM: this.s + 80,
      capMps: Math.max(3, this.speedMps * toSpeedFraction),
    };
    if (this.truth) {
      this.truth.hardBrake({
        tMs,
        lat: this.lat,
        lng: this.lng,
        headingDeg: this.heading,
        fromMps: this.speedMps,
        toMps: this.speedMps * toSpeedFraction,
        decelMps2,
      });
      return;
    }
    out.push({
      id: this.prng.uuid(),
      type: 'hard_brake',
      ts: isoOf(tMs),
      lat: round6(this.lat),
      lng: round6(this.lng),
      heading: roundHeading(this.heading),
      speedMps: round2(this.speedMps),
      // The IMU measures the deceleration with a little noise.
      decelMps2: round2(Math.max(3.2, decelMps2 + this.prng.uniform(-0.2, 0.2))),
    });
  }

  /** The trip segment since the last one, for a batch sent at `tMs` (undefined when parked). */
  takeSegment(tMs: number): TelemetryEvent | undefined {
    return this.trip?.recorder?.takeSegment(tMs, false);
  }
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const roundHeading = (h: number): number => {
  const r = Math.round(h * 10) / 10;
  return r >= 360 ? 0 : r;
};
