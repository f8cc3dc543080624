import { bearingDeg, haversineM, headingDiffDeg } from '../../lib/geo/distance.ts';
import type { CachedHazard } from './parseHazards.ts';

/** Where the vehicle is and where it goes, from the filtered GPS. */
export interface VehicleState {
  tMs: number;
  lat: number;
  lng: number;
  /** Direction of travel, degrees clockwise from north. */
  headingDeg: number;
  speedMps: number;
}

/** A warning for the host UI: "hazard of `kind`, `distanceM` ahead, in `etaS`". */
export interface HazardWarning {
  id: string;
  kind: string;
  /** Straight-line distance to the hazard, metres (rounded). */
  distanceM: number;
  /** Seconds to reach it at the current speed (rounded); `null` when (nearly) stopped. */
  etaS: number | null;
  /** Time of the fix that raised the warning. */
  tMs: number;
}

/** Thresholds of {@link AheadWarner}; see each field for its reason. */
export interface AheadWarnerConfig {
  /** Warn this many seconds of travel ahead: enough to read the warning and ease off calmly. */
  horizonS: number;
  /** At walking pace 60 s is a few metres; a queue or obstruction 150 m ahead still matters. */
  minHorizonM: number;
  /**
   * At motorway speed 60 s is 2–2.5 km; beyond ~2 km a straight-line bearing says little about
   * where the road goes, and a warning that far off is forgotten by the time it matters.
   */
  maxHorizonM: number;
  /** "Ahead" cone: bearing to the hazard within this of the heading (not beside, not behind). */
  coneHalfAngleDeg: number;
  /**
   * Also ahead when the hazard lies this close to the line of travel, whatever the bearing.
   * Hazard positions are the centre of an H3 res-10 cell (circumradius ~75 m), so a hazard on our
   * lane can sit tens of metres to the side; at 60 m range a 35 m offset is already 30° off.
   */
  corridorHalfWidthM: number;
  /**
   * Same carriageway: the hazard's direction of travel within this of ours. Server headings
   * are 45° sectors (±22.5°) and roads bend; the other carriageway is 180° off.
   */
  sameDirectionDeg: number;
  /** Below this speed an ETA is meaningless (stopped in a queue): `etaS` is `null`. */
  minEtaSpeedMps: number;
  /** Re-armed once this far behind (along the heading): clearly passed, beyond cell-centre error. */
  rearmBehindM: number;
  /** Re-armed once farther than this: beyond the largest horizon plus a margin against GPS jitter. */
  rearmBeyondM: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_AHEAD_WARNER: AheadWarnerConfig = {
  horizonS: 60,
  minHorizonM: 150,
  maxHorizonM: 2000,
  coneHalfAngleDeg: 30,
  corridorHalfWidthM: 30,
  sameDirectionDeg: 60,
  minEtaSpeedMps: 0.5,
  rearmBehindM: 100,
  rearmBeyondM: 2500,
};

/** How one hazard lies relative to the vehicle. */
export interface HazardGeometry {
  distanceM: number;
  /** Distance along the heading (negative: behind). */
  alongM: number;
  /** Distance across the heading, always ≥ 0. */
  acrossM: number;
  /** Angle between the heading and the bearing to the hazard, [0, 180]. */
  offHeadingDeg: number;
}

/** Where `h` lies relative to vehicle `v` (great-circle distance and initial bearing). */
export function hazardGeometry(v: VehicleState, h: CachedHazard): HazardGeometry {
  const distanceM = haversineM(v.lat, v.lng, h.lat, h.lng);
  const offHeadingDeg =
    distanceM < 1e-3 ? 0 : headingDiffDeg(bearingDeg(v.lat, v.lng, h.lat, h.lng), v.headingDeg);
  const rad = (offHeadingDeg * Math.PI) / 180;
  return { distanceM, alongM: distanceM * Math.cos(rad), acrossM: distanceM * Math.sin(rad), offHeadingDeg };
}

/** Warning horizon at `speedMps`: `horizonS` of travel, clamped to [minHorizonM, maxHorizonM]. */
export function horizonM(speedMps: number, config: AheadWarnerConfig = DEFAULT_AHEAD_WARNER): number {
  return Math.min(config.maxHorizonM, Math.max(config.minHorizonM, Math.max(0, speedMps) * config.horizonS));
}

/**
 * Whether `h` is a hazard the driver of `v` is heading into: within the horizon, ahead (in the
 * cone or the corridor, never behind) and on the same carriageway (a hazard without a heading
 * affects both directions).
 */
export function isAhead(
  v: VehicleState,
  h: CachedHazard,
  g: HazardGeometry,
  config: AheadWarnerConfig = DEFAULT_AHEAD_WARNER,
): boolean {
  if (g.distanceM > horizonM(v.speedMps, config)) return false;
  if (g.alongM <= 0) return false;
  if (g.offHeadingDeg > config.coneHalfAngleDeg && g.acrossM > config.corridorHalfWidthM) return false;
  return h.headingDeg === undefined || headingDiffDeg(h.headingDeg, v.headingDeg) <= config.sameDirectionDeg;
}

/**
 * Decides which hazards to warn the driver about, once per approach. Pure apart from its
 * memory of what it already warned about: the same inputs in the same order give the same
 * warnings on every runtime. A warned hazard is re-armed only once it is clearly behind
 * (`rearmBehindM`) or far away (`rearmBeyondM`), so GPS jitter at the edge of the cone or the
 * horizon cannot make it warn twice on one approach.
 *
 * @example
 * const warner = new AheadWarner();
 * for (const w of warner.update(vehicle, cache.hazards())) ui.show(w);
 */
export class AheadWarner {
  /** Ids warned about on the current approach. */
  private readonly warned = new Set<string>();

  constructor(private readonly config: AheadWarnerConfig = DEFAULT_AHEAD_WARNER) {}

  /** New warnings for this fix, nearest first. */
  update(v: VehicleState, hazards: readonly CachedHazard[]): HazardWarning[] {
    const out: HazardWarning[] = [];
    const present = new Set<string>();
    for (const h of hazards) {
      present.add(h.id);
      const g = hazardGeometry(v, h);
      if (this.warned.has(h.id)) {
        if (g.alongM < -this.config.rearmBehindM || g.distanceM > this.config.rearmBeyondM)
          this.warned.delete(h.id);
        continue;
      }
      if (!isAhead(v, h, g, this.config)) continue;
      this.warned.add(h.id);
      out.push({
        id: h.id,
        kind: h.kind,
        distanceM: Math.round(g.distanceM),
        etaS: v.speedMps < this.config.minEtaSpeedMps ? null : Math.round(g.distanceM / v.speedMps),
        tMs: v.tMs,
      });
    }
    // Forget hazards no longer in the data (cleared or out of the area): bounded memory.
    for (const id of this.warned) if (!present.has(id)) this.warned.delete(id);
    return out.sort((a, b) => a.distanceM - b.distanceM);
  }

  /** How many hazards are disarmed (warned on the current approach). */
  get disarmed(): number {
    return this.warned.size;
  }
}
