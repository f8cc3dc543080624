import { haversineM } from '../../lib/geo/distance.ts';
import type { Random } from '../core/random.ts';
import type { KeyValueStorage } from '../core/storage.ts';
import { createZone, DEFAULT_ZONE, type PrivacyZone, type ZoneConfig } from './privacyZones.ts';

/** Tuning of {@link PlaceLearner}. */
export interface PlaceLearnerConfig {
  /** The randomised zone of a frequent place. */
  zone: ZoneConfig;
  /** Dwell points closer than this to a known place are the same place (a car park's extent). */
  mergeRadiusM: number;
  /** A place seen this often (home, work) is kept for good; others expire after `candidateTtlMs`. */
  frequentVisits: number;
  /**
   * A place seen this often gets its big randomised zone. Three, because the home-finding
   * attacks need repetition: the two or three trip ends of a place seen twice are scattered by
   * the circle and the random trims, not a density peak; a place driven from every day soon
   * passes three visits.
   */
  zoneVisits: number;
  /**
   * Until then, a plain circle of this radius around the stop itself. Big enough that nothing
   * within 100 m of where the vehicle rested is released (the cell test adds the cell's own
   * circumradius), small enough that one-off stops (a shop, a friend's street) do not blank
   * whole blocks.
   */
  oneOffRadiusM: number;
  /** A place seen fewer times is forgotten after this long without a visit. */
  candidateTtlMs: number;
  /** At most this many places (oldest infrequent ones are evicted first). */
  maxPlaces: number;
}

/** Defaults: 250 m merge radius, kept after 2 visits, zoned after 3, 120 m circles until then. */
export const DEFAULT_PLACE_LEARNER: PlaceLearnerConfig = {
  zone: DEFAULT_ZONE,
  mergeRadiusM: 250,
  frequentVisits: 2,
  zoneVisits: 3,
  oneOffRadiusM: 120,
  candidateTtlMs: 14 * 86_400_000,
  maxPlaces: 64,
};

/** A place the device protects. `anchor*` is the true place and never leaves the device. */
export interface Place {
  anchorLat: number;
  anchorLng: number;
  zone: PrivacyZone;
  visits: number;
  lastSeenMs: number;
  declared: boolean;
}

const STORAGE_KEY = 'edge/places/v1';

/**
 * Finds the places a vehicle dwells at (every trip start and end is a dwell) and protects
 * them, plus the places the user declares. Every dwell place is protected from its first visit
 * (the trip that reveals it already gets a circle at its start), but only places visited
 * `zoneVisits` times (home, work) or declared get the big randomised zone; a one-off stop gets
 * a small circle and expires unless visited `frequentVisits` times. Sizing zones by visits is
 * what keeps the network useful: most stops are one-off, and a big zone on every stop let
 * only 0.78 of the driven road cells of the GeoLife traces reach the uplink, against 0.875
 * with this rule and no home found either way (docs/privacy.md).
 *
 * Zones are drawn once per place and persisted: redrawing them on every boot would let an
 * observer average many random offsets back to the true place.
 */
export class PlaceLearner {
  private places: Place[];

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly random: Random,
    private readonly config: PlaceLearnerConfig = DEFAULT_PLACE_LEARNER,
  ) {
    this.places = load(storage);
  }

  /**
   * The zones to enforce now: the randomised zone of each declared place and of each place
   * seen `zoneVisits` times, and a {@link PlaceLearnerConfig.oneOffRadiusM} circle around each
   * other place.
   */
  zones(): PrivacyZone[] {
    const out: PrivacyZone[] = [];
    for (const p of this.places) {
      if (p.declared || p.visits >= this.config.zoneVisits) out.push(p.zone);
      else if (this.config.oneOffRadiusM > 0)
        out.push({ lat: p.anchorLat, lng: p.anchorLng, radiusM: this.config.oneOffRadiusM });
    }
    return out;
  }

  /** All places (tests; never serialised into a payload). */
  all(): readonly Place[] {
    return this.places;
  }

  /** Declares a place the user named (`--home LAT,LNG`); idempotent across restarts. */
  declare(lat: number, lng: number, nowMs: number): PrivacyZone {
    const existing = this.find(lat, lng, 1);
    if (existing) {
      existing.declared = true;
      this.save();
      return existing.zone;
    }
    return this.add(lat, lng, nowMs, true).zone;
  }

  /** Records that the vehicle rested at (lat, lng) (a trip started or ended there). */
  noteDwell(lat: number, lng: number, nowMs: number): PrivacyZone {
    this.expire(nowMs);
    const p = this.find(lat, lng, this.config.mergeRadiusM);
    if (p) {
      p.visits++;
      p.lastSeenMs = nowMs;
      this.save();
      return p.zone;
    }
    return this.add(lat, lng, nowMs, false).zone;
  }

  private find(lat: number, lng: number, withinM: number): Place | undefined {
    let best: Place | undefined;
    let bestM = withinM;
    for (const p of this.places) {
      const d = haversineM(p.anchorLat, p.anchorLng, lat, lng);
      if (d <= bestM) {
        best = p;
        bestM = d;
      }
    }
    return best;
  }

  private add(lat: number, lng: number, nowMs: number, declared: boolean): Place {
    const place: Place = {
      anchorLat: lat,
      anchorLng: lng,
      zone: createZone(lat, lng, this.random, this.config.zone),
      visits: 1,
      lastSeenMs: nowMs,
      declared,
    };
    this.places.push(place);
    if (this.places.length > this.config.maxPlaces) {
      // Evict the least valuable: undeclared, fewest visits, longest unseen.
      const victims = this.places
        .filter((p) => !p.declared)
        .sort((a, b) => a.visits - b.visits || a.lastSeenMs - b.lastSeenMs);
      const victim = victims[0];
      if (victim) this.places = this.places.filter((p) => p !== victim);
    }
    this.save();
    return place;
  }

  private expire(nowMs: number): void {
    const before = this.places.length;
    this.places = this.places.filter(
      (p) =>
        p.declared ||
        p.visits >= this.config.frequentVisits ||
        nowMs - p.lastSeenMs <= this.config.candidateTtlMs,
    );
    if (this.places.length !== before) this.save();
  }

  private save(): void {
    this.storage.set(STORAGE_KEY, JSON.stringify(this.places));
  }
}

function load(storage: KeyValueStorage): Place[] {
  const raw = storage.get(STORAGE_KEY);
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Place[]) : [];
  } catch {
    // A corrupt file must not disable protection silently: start over and re-learn.
    return [];
  }
}
