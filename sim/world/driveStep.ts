import type { TelemetryEvent } from '../../lib/contract/events.ts';
import type { Prng } from '../../lib/random/prng.ts';
import type { Incident } from './incidents.ts';
import type { Scenario } from './scenario.ts';
import type { TripPlanner } from './tripPlanner.ts';
import type { DriverProfile, DrivingWorld, Vehicle } from './vehicle.ts';

/** A parked vehicle for which no trip could be planned tries again this much later. */
const NO_TRIP_RETRY_MS = 30_000;

/**
 * A driver's profile, drawn once per vehicle. Both fleets (the camera fleet and the direct-event
 * fleet) draw it here, so the same seed gives the same drivers in either.
 */
export function drawDriverProfile(prng: Prng): DriverProfile {
  const speedFactor = prng.uniform(0.92, 1.12);
  const accelMps2 = prng.uniform(1.5, 2.5);
  const comfortDecelMps2 = prng.uniform(1.2, 2);
  return { speedFactor, accelMps2, comfortDecelMps2 };
}

/** One simulated vehicle as the step needs it: its state, its own generator, a forced detour. */
export interface DrivenVehicle {
  vehicle: Vehicle;
  prng: Prng;
  /** An incident the next trip must pass; cleared once a trip is planned. */
  via?: Incident | undefined;
}

/** What every vehicle of a fleet shares while stepping. */
export interface DriveContext {
  planner: TripPlanner;
  world: DrivingWorld;
  scenario: Pick<Scenario, 'parkS'>;
  stats: { trips: number; drivenKm: number };
}

/**
 * Advances one vehicle by one step of `stepMs` ending at `nowMs`: a parked vehicle whose time has
 * come sets off on a planned trip (or waits {@link NO_TRIP_RETRY_MS} when none exists); a driving
 * one moves, writing its events to `out`, and parks for a random while when its trip ends.
 *
 * @returns whether the vehicle drove during this step (its acceleration is then meaningful).
 */
export function driveStep(
  driven: DrivenVehicle,
  index: number,
  ctx: DriveContext,
  nowMs: number,
  stepMs: number,
  out: TelemetryEvent[],
): boolean {
  const v = driven.vehicle;
  if (!v.driving) {
    if (nowMs < v.departAtMs) return false;
    const trip = ctx.planner.plan(index, v.node, nowMs, driven.via);
    driven.via = undefined;
    if (trip) {
      v.startTrip({ edges: trip.edges }, ctx.world, nowMs);
      ctx.stats.trips++;
    } else {
      v.departAtMs = nowMs + NO_TRIP_RETRY_MS;
    }
    return false;
  }
  const beforeMps = v.speedMps;
  if (v.step(ctx.world, nowMs, stepMs / 1000, out)) {
    const [minS, maxS] = ctx.scenario.parkS;
    v.departAtMs = nowMs + driven.prng.uniform(minS, maxS) * 1000;
  }
  ctx.stats.drivenKm += (((beforeMps + v.speedMps) / 2) * stepMs) / 1e6;
  return true;
}
