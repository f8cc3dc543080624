import { createSeededRandom, type Random } from '../../core/random.ts';
import {
  generateScenario,
  type Scenario,
  type ScenarioKind,
  type ScenarioMix,
  type WorldOptions,
} from './scenarios.ts';

/**
 * The world the simulated fleet drives: wider than the synthetic training set, on purpose. The
 * training set (`datasets.ts` TRAIN_SET) is narrow — cars only, surprise reactions of 0.8–1.6 s,
 * cut-ins at most 7 m/s slower, never a cut-in that then brakes. Dash cams are sold above all to
 * commercial fleets, and the roads they drive have what that set lacks:
 *
 * - **Heavy vehicles** (a third of the drives): a loaded truck's emergency deceleration is about
 *   4–6 m/s² against a car's 6–9 (FMCSA stopping-distance requirements, 49 CFR 393.52: trucks
 *   need ~30–40 % more distance from 20 mph), with gentler comfortable braking and acceleration.
 *   The same approach that a car brakes out of becomes a conflict for a truck.
 * - **Slower surprise reactions**: 0.8–2.2 s instead of 0.8–1.6 s. Green (2000) puts unexpected
 *   events near 1.25 s and true surprises near 1.5 s; Johansson & Rumar (1971) found a tail of
 *   drivers beyond 2 s; a tired driver at the end of a shift is in that tail.
 * - **Slower cut-ins**: up to 12 m/s slower than the ego car instead of 7 — a truck merging at
 *   70 km/h into 110 km/h traffic, a car entering from a side road.
 * - **Cut-ins that then brake** (`cut_in_brake`), which the training set never contains.
 *
 * Each knob is one of the generator's own (`WorldOptions`); nothing about how a drive is
 * perceived changes, so the difference is in traffic and drivers only.
 */
export const FLEET_MIX: ScenarioMix = {
  following: 3,
  stop_and_go: 2,
  free_road: 2,
  lead_brake: 2,
  cut_in: 1,
  cut_in_brake: 2,
  stopped_ahead: 1,
};

/** Share of the fleet's drives made by heavy vehicles. */
export const FLEET_HEAVY_SHARE = 1 / 3;

/** The wider ranges of every fleet drive. */
export const FLEET_WORLD: WorldOptions = { surpriseReactionS: [0.8, 2.2], cutInSlowerMps: [-1, 12] };

/** A heavy vehicle's braking and acceleration (see {@link FLEET_MIX}'s note). */
export const HEAVY_VEHICLE: WorldOptions = {
  egoMaxBrakeMps2: [4, 6],
  egoComfortDecelMps2: [1, 2],
  egoAccelMps2: [0.4, 1.2],
};

/** A named, seeded set of fleet drives. */
export interface FleetSetSpec {
  seed: string;
  count: number;
}

/**
 * Held-out drives of the fleet's world: seeds no fleet upload and no training set uses. A
 * candidate trained on fleet samples is judged here and on `HELD_OUT_SETS`, never on its own data.
 */
export const FLEET_HELD_OUT_SETS: FleetSetSpec[] = [{ seed: 'fleet-heldout-v1', count: 800 }];

/** The world of one fleet drive (heavy or not), drawn from `r`. */
export function fleetDriveWorld(r: Random, heavyShare = FLEET_HEAVY_SHARE): WorldOptions {
  return r.next() < heavyShare ? { ...FLEET_WORLD, ...HEAVY_VEHICLE } : FLEET_WORLD;
}

/** Generates the drives of a fleet set: kinds from {@link FLEET_MIX}, each drive's world drawn with it. Reproducible. */
export function fleetDrives(
  spec: FleetSetSpec,
  mix: ScenarioMix = FLEET_MIX,
  heavyShare = FLEET_HEAVY_SHARE,
): Scenario[] {
  const r = createSeededRandom(`${spec.seed}:fleet`);
  const kinds = Object.entries(mix) as [ScenarioKind, number][];
  const total = kinds.reduce((a, [, w]) => a + w, 0);
  const out: Scenario[] = [];
  for (let i = 0; i < spec.count; i++) {
    let u = r.next() * total;
    let kind = kinds[0]![0];
    for (const [k, w] of kinds) {
      u -= w;
      if (u < 0) {
        kind = k;
        break;
      }
    }
    out.push(generateScenario(kind, `${spec.seed}:${i}`, { world: fleetDriveWorld(r, heavyShare) }));
  }
  return out;
}
