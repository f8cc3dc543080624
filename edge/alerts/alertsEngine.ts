import { DEFAULT_GPS_FILTER, GpsFilter, type GpsFilterConfig } from '../sensors/gpsFilter.ts';
import type { FilteredFix, GpsFix } from '../sensors/samples.ts';
import {
  AheadWarner,
  type AheadWarnerConfig,
  DEFAULT_AHEAD_WARNER,
  type HazardWarning,
} from './aheadWarner.ts';
import type { HazardCache, RefreshResult } from './hazardCache.ts';

/** Settings of {@link AlertsEngine}. */
export interface AlertsEngineConfig {
  gpsFilter: GpsFilterConfig;
  warner: AheadWarnerConfig;
  /**
   * Below this speed GPS heading is noise (Doppler heading at < 2 m/s wanders by tens of
   * degrees), so the last heading taken above it is kept; stopped in a queue, the car still
   * faces where it was going.
   */
  minHeadingSpeedMps: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_ALERTS_ENGINE: AlertsEngineConfig = {
  gpsFilter: DEFAULT_GPS_FILTER,
  warner: DEFAULT_AHEAD_WARNER,
  minHeadingSpeedMps: 2,
};

/**
 * "Hazard ahead" for the driver: keeps the {@link HazardCache} fresh around the vehicle and runs
 * the {@link AheadWarner} on every GPS fix. Standalone beside `EdgePipeline` (the host feeds both
 * the same fixes), portable (no timers, no Node): the host calls `pushGps` with each fix and
 * shows what it returns, and calls `tick` now and then (once a second is plenty) to let the
 * cache refresh; `tick` is the only asynchronous step, so a slow network never delays a warning
 * about hazards already known.
 *
 * @example
 * const alerts = new AlertsEngine(new HazardCache(platform.transport, platform.clock, platform.logger, cfg));
 * onGps((fix) => alerts.pushGps(fix).forEach(ui.warn));
 * everySecond(() => alerts.tick());
 */
export class AlertsEngine {
  private readonly filter: GpsFilter;
  private readonly warner: AheadWarner;
  private last: FilteredFix | undefined;
  private headingDeg: number | undefined;

  constructor(
    readonly cache: HazardCache,
    private readonly config: AlertsEngineConfig = DEFAULT_ALERTS_ENGINE,
  ) {
    this.filter = new GpsFilter(config.gpsFilter);
    this.warner = new AheadWarner(config.warner);
  }

  /** Feeds one raw GPS fix (filtered inside, like the pipeline does); returns new warnings. */
  pushGps(raw: GpsFix): HazardWarning[] {
    const fix = this.filter.push(raw);
    return fix ? this.pushFiltered(fix) : [];
  }

  /** Feeds a fix the pipeline's GPS filter already accepted; returns new warnings. */
  pushFiltered(fix: FilteredFix): HazardWarning[] {
    this.last = fix;
    if (fix.speedMps >= this.config.minHeadingSpeedMps) this.headingDeg = fix.headingDeg;
    // No trustworthy heading yet (just booted, not moved): "ahead" is undefined, warn nothing.
    if (this.headingDeg === undefined) return [];
    return this.warner.update(
      { tMs: fix.tMs, lat: fix.lat, lng: fix.lng, headingDeg: this.headingDeg, speedMps: fix.speedMps },
      this.cache.hazards(),
    );
  }

  /** Refreshes the cache around the latest fix when it is due; `'idle'` when nothing was done. */
  async tick(): Promise<RefreshResult | 'idle'> {
    const at = this.last;
    if (!at || !this.cache.due(at.lat, at.lng)) return 'idle';
    return this.cache.refresh(at.lat, at.lng);
  }
}
