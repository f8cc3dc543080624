import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import { median } from '../../lib/night/robustStats.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { type Random, randomUuid } from '../core/random.ts';
import { floorTo } from '../core/time.ts';
import { type CellInfo, H3Cells } from '../geo/h3Cells.ts';
import { insideAnyZone, type PrivacyZone } from '../privacy/privacyZones.ts';
import { CIVIL_TWILIGHT_DEG, sunElevationDeg } from './solarPosition.ts';

/** The contract's `night_scene` event. */
export type NightSceneEvent = Extract<TelemetryEvent, { type: 'night_scene' }>;

/**
 * One frame's statistics from the host ISP (its AE/AWB statistics block computes them anyway):
 * what the image pipeline saw and with which settings.
 */
export interface SceneStats {
  /** Sensor time of the frame, Unix ms. */
  tMs: number;
  /** Mean luma of the frame, 8-bit DN (0–255), before tone mapping. */
  meanLuma: number;
  /** The ISP's estimate of temporal noise σ in flat regions, DN. */
  noiseSigma: number;
  /** Exposure time the frame was taken with, ms. */
  exposureMs: number;
  /** Analogue gain the frame was taken with (1 = base). */
  gain: number;
}

/** A position fix as the pipeline has it (filtered), with speed. */
export interface NightFix {
  tMs: number;
  lat: number;
  lng: number;
  speedMps: number;
}

/** Tuning of {@link NightSceneReporter}. */
export interface NightSceneConfig {
  cameraModel: string;
  firmware: string;
  /**
   * At most one report per interval: the cloud needs many cameras, not many frames of one
   * camera; ten minutes is ~50 reports a night per camera, under 10 kB of uplink.
   */
  intervalMs: number;
  /** Sun elevation below which it is night, degrees (civil twilight: −6°). */
  nightBelowDeg: number;
  /**
   * Frames a report summarises at least (all from one road cell): fewer make a median of
   * noise, not of the scene. 15 frames is 3 s at 5 fps — a res-10 cell (~100 m) takes 3–7 s to
   * cross at 15–30 m/s.
   */
  minFrames: number;
  /** Time a report's frames span at least: a burst of frames is one moment, not a scene. */
  minWindowMs: number;
  /** Frames kept per window (halved by decimation when full): bounded memory at any frame rate. */
  maxFrames: number;
  /**
   * H3 resolution of the reported position: the contract's path cell (res 10, ~76 m edges), the
   * insights' road cell, is what a lighting class needs (a lit junction vs the dark road beyond it).
   */
  cellResolution: number;
  /**
   * A report is held until the vehicle has driven this much further, and dropped if it stops
   * first — the redactor's end trim (at most 300 m) for the same reason: the last report of a
   * trip must not mark where it ended.
   */
  holdM: number;
  /** Nothing is reported until this far from the last stop (past the redactor's start trim). */
  minFromStopM: number;
  /**
   * A frame is placed by a fix at most this old; without one (a tunnel, a GNSS outage) it is not
   * used, rather than credited to the cell where the fix was lost.
   */
  maxFixAgeMs: number;
  /** Below this speed for {@link stopAfterMs} the vehicle has stopped. */
  stopSpeedMps: number;
  stopAfterMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_NIGHT_SCENE: Omit<NightSceneConfig, 'cameraModel' | 'firmware'> = {
  intervalMs: 10 * 60_000,
  nightBelowDeg: CIVIL_TWILIGHT_DEG,
  minFrames: 15,
  minWindowMs: 2000,
  maxFrames: 512,
  cellResolution: PATH_CELL_RESOLUTION,
  holdM: 400,
  minFromStopM: 500,
  maxFixAgeMs: 5000,
  stopSpeedMps: 1,
  stopAfterMs: 60_000,
};

interface Held {
  event: NightSceneEvent;
  atAlongM: number;
}

/**
 * Turns the ISP's per-frame statistics into `night_scene` events: while the sun is below the
 * night threshold at the vehicle's place (never a clock hour), it summarises the frames taken
 * inside one road cell by their medians (a passing pair of headlights moves a mean, not a
 * median) and reports at most once per interval, at the centre of that cell — so the cloud can
 * tell a lit junction from the dark road beyond it — never inside a privacy zone, never near
 * where a trip started or ended. Times are floored to the minute and ids are fresh random
 * UUIDs, as for every other event.
 *
 * @example
 * const r = new NightSceneReporter({ ...DEFAULT_NIGHT_SCENE, cameraModel: 'budget-10hz', firmware: '2.1.0' }, random, () => places.zones());
 * r.pushFix(fix); r.pushStats(isp.stats());
 * for (const e of r.takeEvents()) batcher.add(e, nowMs);
 */
export class NightSceneReporter {
  private readonly cells: H3Cells;
  private frames: SceneStats[] = [];
  private stride = 1;
  private seen = 0;
  private windowStartMs: number | undefined;
  private lastReportMs = Number.NEGATIVE_INFINITY;
  private fix: NightFix | undefined;
  private cell: CellInfo | undefined;
  private alongM = 0;
  private lastStopAlongM = 0;
  private slowSinceMs: number | undefined;
  private held: Held[] = [];
  private ready: NightSceneEvent[] = [];
  private nightCache = { minute: Number.NaN, night: false };

  constructor(
    private readonly config: NightSceneConfig,
    private readonly random: Random,
    private readonly zones: () => readonly PrivacyZone[] = () => [],
  ) {
    this.cells = new H3Cells(config.cellResolution);
  }

  /** A position fix, in time order. */
  pushFix(fix: NightFix): void {
    // Distance counts only while moving: a parked car's GNSS jitter (a few metres a second)
    // would otherwise "drive" it past the hold and start distances without it leaving.
    if (this.fix && fix.speedMps >= this.config.stopSpeedMps)
      this.alongM += haversineM(this.fix.lat, this.fix.lng, fix.lat, fix.lng);
    this.fix = fix;
    const cell = this.cells.at(fix.lat, fix.lng);
    // A report describes one cell: frames from the cell before are another scene.
    if (cell.cell !== this.cell?.cell) this.resetWindow();
    this.cell = cell;
    if (fix.speedMps < this.config.stopSpeedMps) {
      this.slowSinceMs ??= fix.tMs;
      if (fix.tMs - this.slowSinceMs >= this.config.stopAfterMs) this.stopped();
    } else this.slowSinceMs = undefined;
    const released = this.held.filter((h) => this.alongM - h.atAlongM >= this.config.holdM);
    if (released.length > 0) {
      this.ready.push(...released.map((h) => h.event));
      this.held = this.held.filter((h) => this.alongM - h.atAlongM < this.config.holdM);
    }
  }

  /** One frame's ISP statistics; frames in daylight, without a fix or malformed are ignored. */
  pushStats(stats: SceneStats): void {
    const fix = this.fix;
    const cell = this.cell;
    if (!fix || !cell || stats.tMs - fix.tMs > this.config.maxFixAgeMs || !this.isNightAt(stats.tMs, fix)) {
      this.resetWindow();
      return;
    }
    if (!(stats.meanLuma >= 0 && stats.noiseSigma >= 0 && stats.exposureMs > 0 && stats.gain > 0)) return;
    this.windowStartMs ??= stats.tMs;
    // Keep every `stride`-th frame; when full, drop every other one and double the stride, so
    // the window stays an even sample of the cell's frames at 5 Hz or 60 Hz alike.
    if (this.seen++ % this.stride === 0) this.frames.push(stats);
    if (this.frames.length >= this.config.maxFrames) {
      this.frames = this.frames.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
    if (
      stats.tMs - this.lastReportMs >= this.config.intervalMs &&
      stats.tMs - this.windowStartMs >= this.config.minWindowMs &&
      this.frames.length >= this.config.minFrames
    ) {
      this.report(stats.tMs, cell);
    }
  }

  /** How many events are released and not yet taken. */
  readyCount(): number {
    return this.ready.length;
  }

  /** Events released since the last call. */
  takeEvents(): NightSceneEvent[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** The trip ended (the pipeline knows first): held reports are dropped, as the redactor drops its end trim. */
  stopped(): void {
    this.held = [];
    this.lastStopAlongM = this.alongM;
    this.resetWindow();
  }

  private report(tMs: number, cell: CellInfo): void {
    const frames = this.frames;
    // A suppressed report still uses up its interval: the first report after a stop or a zone
    // then comes an interval later, far from it, instead of marking the zone's edge.
    this.lastReportMs = tMs;
    this.resetWindow();
    if (this.alongM - this.lastStopAlongM < this.config.minFromStopM) return;
    // Never from a standing car: where it stands may be where it parks.
    if (!this.fix || this.fix.speedMps < this.config.stopSpeedMps) return;
    // The whole cell, not just its centre, must clear every zone: the centre is what is sent,
    // and a zone's edge must not be traceable from which cells never report.
    if (insideAnyZone(this.zones(), cell.lat, cell.lng, cell.radiusM)) return;
    const luma = median(frames.map((s) => s.meanLuma));
    const noise = median(frames.map((s) => s.noiseSigma));
    const exposure = median(frames.map((s) => s.exposureMs));
    const gain = median(frames.map((s) => s.gain));
    const event: NightSceneEvent = {
      id: randomUuid(this.random),
      type: 'night_scene',
      ts: isoOf(floorTo(tMs, 60_000)),
      lat: round(cell.lat, 5),
      lng: round(cell.lng, 5),
      meanLuma: clamp(round(luma, 2), 0, 255),
      noiseSigma: round(noise, 3),
      exposureMs: round(exposure, 3),
      gain: round(gain, 3),
      cameraModel: this.config.cameraModel.slice(0, 64),
      firmware: this.config.firmware.slice(0, 64),
    };
    this.held.push({ event, atAlongM: this.alongM });
  }

  private resetWindow(): void {
    this.frames = [];
    this.stride = 1;
    this.seen = 0;
    this.windowStartMs = undefined;
  }

  private isNightAt(tMs: number, fix: NightFix): boolean {
    // The sun moves ¼° a minute at most: once a minute is plenty.
    const minute = Math.floor(tMs / 60_000);
    if (minute !== this.nightCache.minute)
      this.nightCache = {
        minute,
        night: sunElevationDeg(tMs, fix.lat, fix.lng) < this.config.nightBelowDeg,
      };
    return this.nightCache.night;
  }
}

function round(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
