import { haversineM } from '../../lib/geo/distance.ts';
import { type Random, uniform } from '../core/random.ts';

/** How zones are randomised (per device, per place; drawn once and persisted). */
export interface ZoneConfig {
  /** Zone radius is drawn uniformly from [minRadiusM, maxRadiusM]. */
  minRadiusM: number;
  maxRadiusM: number;
  /**
   * The zone centre is offset from the true place by up to this share of the radius, in a
   * random direction. Fixed-radius zones centred on the place fall to circle fitting for ~95 %
   * of users (Hassan et al., USENIX Security 2018); with a random offset the fitted centre is
   * the zone centre, not the home. Kept < 1 so the place is always well inside its zone.
   */
  maxOffsetShare: number;
}

/** Defaults: 300–600 m zones (a few city blocks), offsets up to 60 % of the radius. */
export const DEFAULT_ZONE: ZoneConfig = { minRadiusM: 300, maxRadiusM: 600, maxOffsetShare: 0.6 };

/** A privacy zone as stored on the device. Never sent anywhere. */
export interface PrivacyZone {
  lat: number;
  lng: number;
  radiusM: number;
}

const M_PER_DEG_LAT = 111_320;

/**
 * A randomised zone around a place: radius uniform in the configured range, centre displaced
 * by a uniform-by-area random offset of at most `maxOffsetShare × radius`.
 */
export function createZone(
  lat: number,
  lng: number,
  random: Random,
  config: ZoneConfig = DEFAULT_ZONE,
): PrivacyZone {
  const radiusM = uniform(random, config.minRadiusM, config.maxRadiusM);
  // √u makes the offset uniform over the disc rather than clustered at the centre.
  const offsetM = config.maxOffsetShare * radiusM * Math.sqrt(random.next());
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
