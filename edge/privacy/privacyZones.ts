import { haversineM } from '../../lib/geo/distance.ts';
import { type Random, uniform } from '../core/random.ts';

/**
 * How zones are randomised (per device, per place; drawn once and persisted). The sizes answer
 * the attack, not a feeling: a home-finding attack "wins" when its guess lands within 150 m of
 * the home (docs/privacy.md), so the zone's centre must never be within 150 m of the place, and
 * nothing released may be within 100 m of it.
 */
export interface ZoneConfig {
  /** Zone radius is drawn uniformly from [minRadiusM, maxRadiusM]. */
  minRadiusM: number;
  maxRadiusM: number;
  /**
   * The zone centre is displaced from the place by at least this, in a random direction.
   * Trips leaving a zone end on a ring around its centre, and circle fitting recovers that
   * centre (Hassan et al., USENIX Security 2018: ~95 % of users with centred zones). An offset
   * that may be near zero leaves some users' zones centred on their home; a floor above the
   * attack's success radius makes the fitted centre miss the place for every user.
   */
  minOffsetM: number;
  /**
   * …and by at most `radius − minInsideM`, so the place stays at least this far inside its
   * zone: the nearest cell a trip may release is then this far from the place, plus the trim.
   */
  minInsideM: number;
}

/**
 * Defaults: 250–400 m zones (a couple of city blocks), centre 150 m to (radius − 100 m) off
 * the place. Smaller than the 300–600 m zones this replaces: the offset floor, not the size,
 * is what defeats circle fitting, and every metre of radius costs road cells (docs/privacy.md).
 */
export const DEFAULT_ZONE: ZoneConfig = {
  minRadiusM: 250,
  maxRadiusM: 400,
  minOffsetM: 150,
  minInsideM: 100,
};

/** A privacy zone as stored on the device. Never sent anywhere. */
export interface PrivacyZone {
  lat: number;
  lng: number;
  radiusM: number;
}

const M_PER_DEG_LAT = 111_320;

/**
 * A randomised zone around a place: radius uniform in the configured range, centre displaced
 * by a random offset, uniform by area over the annulus [minOffsetM, radius − minInsideM].
 *
 * @example createZone(52.52, 13.405, createSeededRandom('device')) // { lat, lng, radiusM: 250..400 }
 */
export function createZone(
  lat: number,
  lng: number,
  random: Random,
  config: ZoneConfig = DEFAULT_ZONE,
): PrivacyZone {
  const radiusM = uniform(random, config.minRadiusM, config.maxRadiusM);
  const loM = Math.min(config.minOffsetM, Math.max(0, radiusM - config.minInsideM));
  const hiM = Math.max(loM, radiusM - config.minInsideM);
  // √ of a uniform square makes the offset uniform over the annulus, not crowded at its inner edge.
  const offsetM = Math.sqrt(loM * loM + (hiM * hiM - loM * loM) * random.next());
  const theta = 2 * Math.PI * random.next();
  const dLat = (offsetM * Math.cos(theta)) / M_PER_DEG_LAT;
  const dLng =
    (offsetM * Math.sin(theta)) / (M_PER_DEG_LAT * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return { lat: lat + dLat, lng: lng + dLng, radiusM };
}

/** Distance from `zone`'s centre, in metres. */
export function distanceToZoneCentreM(zone: PrivacyZone, lat: number, lng: number): number {
  return haversineM(zone.lat, zone.lng, lat, lng);
}

/** Whether (lat, lng) is within `marginM` of any zone (margin 0: inside a zone). */
export function insideAnyZone(zones: readonly PrivacyZone[], lat: number, lng: number, marginM = 0): boolean {
  for (const z of zones) if (haversineM(z.lat, z.lng, lat, lng) <= z.radiusM + marginM) return true;
  return false;
}
