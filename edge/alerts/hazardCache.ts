import { haversineM } from '../../lib/geo/distance.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { KeyValueStorage } from '../core/storage.ts';
import type { Transport, TransportRequest } from '../core/transport.ts';
import { type CachedHazard, parseHazards } from './parseHazards.ts';

/**
 * A GET through the platform's {@link Transport}. `TransportRequest` has no method (the uplink
 * only POSTs), so the method rides along as an extra field that the adapters honour; until
 * `edge/core/transport.ts` grows an optional `method`, a transport that ignores it would POST,
 * which the API answers with 404/405 — a failed refresh, never wrong data.
 */
export type GetRequest = TransportRequest & { method: 'GET' };

/** Settings of {@link HazardCache}; see each field for its reason. */
export interface HazardCacheConfig {
  /** Base URL of the API, e.g. `http://127.0.0.1:8787`. */
  apiUrl: string;
  /**
   * Query radius. 5 km is 2.5× the warner's 2 km maximum horizon: refreshing after moving a
   * third of it (1.7 km) from the query centre leaves data ≥ 3.3 km ahead in every direction.
   */
  radiusM: number;
  /** Refetch once the vehicle is this share of `radiusM` from the query centre. */
  refreshFraction: number;
  /**
   * The query centre is snapped to this grid (degrees). 0.01° ≈ 1.1 km: the unauthenticated
   * request then tells the server where the camera is only to about a kilometre, and cameras
   * in the same square ask the same URL, which a CDN answers from cache (the endpoint is
   * `public, max-age=15`). The snap moves the centre ≤ ~0.8 km, less than a refresh distance.
   */
  gridDeg: number;
  /** Freshness when the answer has no `Cache-Control: max-age`. */
  defaultMaxAgeMs: number;
  /** Floor on `max-age`: `max-age=0`/`no-cache` must not make the camera poll on every tick. */
  minRefreshMs: number;
  /** Ceiling on `max-age`: a new hazard must reach drivers within minutes whatever the CDN says. */
  maxAgeMs: number;
  /** First wait after a failed fetch; doubles per failure… */
  retryBaseMs: number;
  /** …up to this: a dead zone lasts minutes, and a request per tick would burn data and battery. */
  retryMaxMs: number;
  /**
   * Offline, the last good data is used up to this age, then dropped. Slowdowns expire after
   * 30 min of no evidence on the server; after an hour without news most of what we hold is
   * more likely gone than not, and a warning about nothing teaches drivers to ignore warnings.
   */
  maxStaleMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_HAZARD_CACHE: Omit<HazardCacheConfig, 'apiUrl'> = {
  radiusM: 5000,
  refreshFraction: 1 / 3,
  gridDeg: 0.01,
  defaultMaxAgeMs: 60_000,
  minRefreshMs: 10_000,
  maxAgeMs: 300_000,
  retryBaseMs: 15_000,
  retryMaxMs: 300_000,
  maxStaleMs: 3_600_000,
};

/** Why a refresh is due, or `undefined` when the data is fresh for this position. */
export type RefreshReason = 'empty' | 'moved' | 'expired';

/** What one {@link HazardCache.refresh} did. */
export type RefreshResult = 'updated' | 'failed' | 'busy';

/** Counters for the device log and tests. */
export interface HazardCacheStats {
  fetches: number;
  failures: number;
}

interface Snapshot {
  centre: { lat: number; lng: number };
  fetchedAtMs: number;
  expiresAtMs: number;
  hazards: CachedHazard[];
}

const STORAGE_KEY = 'edge/alerts/hazards';

/**
 * Active hazards around the vehicle, fetched from `GET /v1/hazards?lat&lng&radiusM` through the
 * injected transport. Refreshed when the vehicle has moved a third of the radius from the query
 * centre or the data's `max-age` ran out; when a fetch fails the last good data stays in use
 * (up to `maxStaleMs`) and the next attempt backs off. With a storage, the last good answer
 * survives a restart, so a camera booting in a dead zone still warns.
 *
 * @example
 * const cache = new HazardCache(platform.transport, platform.clock, platform.logger, { ...DEFAULT_HAZARD_CACHE, apiUrl });
 * if (cache.due(lat, lng)) await cache.refresh(lat, lng);
 * cache.hazards(); // → CachedHazard[]
 */
export class HazardCache {
  readonly stats: HazardCacheStats = { fetches: 0, failures: 0 };
  private snapshot: Snapshot | undefined;
  private failuresInRow = 0;
  private notBeforeMs = Number.NEGATIVE_INFINITY;
  private busy = false;

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: HazardCacheConfig,
    private readonly storage?: KeyValueStorage,
  ) {
    this.snapshot = storage ? loadSnapshot(storage) : undefined;
  }

  /** The hazards to warn about now: the last good data unless older than `maxStaleMs`. */
  hazards(): readonly CachedHazard[] {
    const s = this.snapshot;
    if (!s || this.clock.nowMs() - s.fetchedAtMs > this.config.maxStaleMs) return [];
    return s.hazards;
  }

  /** Age of the data held, ms (`undefined` when none). */
  ageMs(): number | undefined {
    return this.snapshot ? this.clock.nowMs() - this.snapshot.fetchedAtMs : undefined;
  }

  /** Why the data should be refreshed for a vehicle at (lat, lng), if it should. */
  staleness(lat: number, lng: number): RefreshReason | undefined {
    const s = this.snapshot;
    if (!s) return 'empty';
    const movedM = haversineM(s.centre.lat, s.centre.lng, lat, lng);
    if (movedM > this.config.radiusM * this.config.refreshFraction) return 'moved';
    if (this.clock.nowMs() >= s.expiresAtMs) return 'expired';
    return undefined;
  }

  /** Whether a refresh should be attempted now: data stale and not backing off after a failure. */
  due(lat: number, lng: number): boolean {
    return !this.busy && this.clock.nowMs() >= this.notBeforeMs && this.staleness(lat, lng) !== undefined;
  }

  /** Fetches hazards around (lat, lng). Never throws: a failure keeps the last good data. */
  async refresh(lat: number, lng: number): Promise<RefreshResult> {
    if (this.busy) return 'busy';
    this.busy = true;
    const centre = { lat: snap(lat, this.config.gridDeg), lng: snap(lng, this.config.gridDeg) };
    this.stats.fetches++;
    try {
      const res = await this.transport(this.request(centre));
      const hazards = res.status === 200 ? parseHazards(res.body) : undefined;
      if (!hazards) return this.fail(res.status === 200 ? 'unreadable body' : `http ${res.status}`);
      const nowMs = this.clock.nowMs();
      this.snapshot = {
        centre,
        fetchedAtMs: nowMs,
        expiresAtMs: nowMs + this.freshForMs(res.headers['cache-control']),
        hazards,
      };
      this.failuresInRow = 0;
      this.notBeforeMs = Number.NEGATIVE_INFINITY;
      this.storage?.set(STORAGE_KEY, JSON.stringify(this.snapshot));
      return 'updated';
    } catch (err) {
      return this.fail((err as Error).message ?? 'network error');
    } finally {
      this.busy = false;
    }
  }

  private request(centre: { lat: number; lng: number }): GetRequest {
    const digits = Math.max(0, Math.ceil(-Math.log10(this.config.gridDeg)));
    const q = `lat=${centre.lat.toFixed(digits)}&lng=${centre.lng.toFixed(digits)}&radiusM=${this.config.radiusM}`;
    // No device token: the endpoint is public, and an anonymous request cannot be linked to a device.
    return {
      method: 'GET',
      url: `${this.config.apiUrl}/v1/hazards?${q}`,
      headers: { accept: 'application/geo+json' },
      body: '',
    };
  }

  private fail(reason: string): RefreshResult {
    this.stats.failures++;
    this.failuresInRow++;
    const waitMs = Math.min(
      this.config.retryMaxMs,
      this.config.retryBaseMs * 2 ** Math.min(this.failuresInRow - 1, 20),
    );
    this.notBeforeMs = this.clock.nowMs() + waitMs;
    this.logger.warn('hazard refresh failed; keeping last data', { reason, attempt: this.failuresInRow });
    return 'failed';
  }

  private freshForMs(cacheControl: string | undefined): number {
    const m = cacheControl === undefined ? null : /(?:^|[,\s])max-age=(\d+)/i.exec(cacheControl);
    let ms = m ? Number(m[1]) * 1000 : this.config.defaultMaxAgeMs;
    if (cacheControl !== undefined && /(?:^|[,\s])(no-store|no-cache)(?:$|[,\s])/i.test(cacheControl)) ms = 0;
    return Math.min(this.config.maxAgeMs, Math.max(this.config.minRefreshMs, ms));
  }
}

function snap(deg: number, gridDeg: number): number {
  return Math.round(deg / gridDeg) * gridDeg;
}

function loadSnapshot(storage: KeyValueStorage): Snapshot | undefined {
  const raw = storage.get(STORAGE_KEY);
  if (raw === undefined) return undefined;
  try {
    const s = JSON.parse(raw) as Snapshot;
    return s && typeof s.fetchedAtMs === 'number' && Array.isArray(s.hazards) && s.centre ? s : undefined;
  } catch {
    return undefined;
  }
}
