import type { TelemetryEvent, TripEvent, TripPathEntry } from '../../lib/contract/events.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { type Random, randomUuid, uniform } from '../core/random.ts';
import { floorTo } from '../core/time.ts';
import type { DetectedEvent } from '../detectors/detectedEvent.ts';
import type { CellInfo, H3Cells } from '../geo/h3Cells.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import type { PlaceLearner } from './placeLearner.ts';
import { insideAnyZone, type PrivacyZone } from './privacyZones.ts';

/** Tuning of {@link Redactor}. */
export interface RedactorConfig {
  /**
   * Every trip loses a random [minTrimM, maxTrimM] of route at its start and, independently,
   * at its end, and additionally begins/ends only outside every zone grown by that trim. A
   * fixed trim would put trip ends on a ring around the place; a random one smears the ring
   * into an annulus, and the zone offset moves its centre off the place. The trim need not
   * hide a home by itself (the zone does that): it hides the zone's edge, and a one-off stop,
   * whose single pair of trip ends makes no density peak for an attack to find.
   */
  minTrimM: number;
  maxTrimM: number;
  /** Event times are floored to this: a second is all hazard clustering needs. */
  eventTimeStepMs: number;
  /** Path times are floored to the minute: ends of trips are where exact times identify. */
  pathTimeStepMs: number;
  /** 5 decimals ≈ 1.1 m: enough for a pothole, no more. */
  coordDecimals: number;
  /** Contract limit is 5000 entries per trip event; stay under it. */
  maxPathEntries: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_REDACTOR: RedactorConfig = {
  // 100–300 m: a block or three. The 200–500 m this replaces cost ~0.7 km of every trip, which
  // on short urban trips was most of the trip (docs/privacy.md has the measured trade-off).
  minTrimM: 100,
  maxTrimM: 300,
  eventTimeStepMs: 1000,
  pathTimeStepMs: 60_000,
  coordDecimals: 5,
  maxPathEntries: 4000,
};

/** A detected event with the position and heading it happened at (device-internal). */
export type LocatedEvent = DetectedEvent & { lat: number; lng: number; headingDeg: number };

interface PendingFix {
  fix: FilteredFix;
  alongM: number;
  cell: CellInfo;
  /** The cell touches a zone: never emitted. */
  inZone: boolean;
  /** The cell is clear of every zone grown by the end trim: a trip may end here. */
  clearForEnd: boolean;
}

interface Trip {
  tripId: string;
  seq: number;
  startTrimM: number;
  endTrimM: number;
  alongM: number;
  lastFix: FilteredFix | undefined;
  firstEmitMs: number | undefined;
  releasedThroughMs: number;
  pending: PendingFix[];
  /** Index into `pending` up to which the end-trim distance has been checked. */
  scanIdx: number;
  /** Last index in the scanned prefix that is clear for ending. */
  lastClearIdx: number;
  path: TripPathEntry[];
  lastCell: string | undefined;
  lastReleased: PendingFix | undefined;
  lastEmitted: CellInfo | undefined;
  lastEmittedMs: number;
  segDistanceM: number;
}

/**
 * On-device redaction: the only way anything reaches the uplink. It enforces privacy zones on
 * every event and path cell, trims every trip's start and end by a random distance and past
 * every zone (so a trip that starts or ends in a zone reveals neither where nor the zone's
 * edge), holds events until the path around them is released, coarsens times, and builds the
 * contract events with fresh random ids. Nothing it emits carries a device identifier.
 */
export class Redactor {
  private trip: Trip | undefined;
  private readonly readyEvents: TelemetryEvent[] = [];
  private readonly finals: TripEvent[] = [];
  private pendingEvents: LocatedEvent[] = [];

  constructor(
    private readonly places: PlaceLearner,
    private readonly cells: H3Cells,
    private readonly random: Random,
    private readonly config: RedactorConfig = DEFAULT_REDACTOR,
  ) {}

  /** A trip began where the vehicle rested at `at`: that place is protected before anything else. */
  tripStart(at: FilteredFix): void {
    this.places.noteDwell(at.lat, at.lng, at.tMs);
    this.trip = {
      tripId: randomUuid(this.random),
      seq: 0,
      startTrimM: uniform(this.random, this.config.minTrimM, this.config.maxTrimM),
      endTrimM: uniform(this.random, this.config.minTrimM, this.config.maxTrimM),
      alongM: 0,
      lastFix: undefined,
      firstEmitMs: undefined,
      releasedThroughMs: Number.NEGATIVE_INFINITY,
      pending: [],
      scanIdx: 0,
      lastClearIdx: -1,
      path: [],
      lastCell: undefined,
      lastReleased: undefined,
      lastEmitted: undefined,
      lastEmittedMs: 0,
      segDistanceM: 0,
    };
  }

  /** A fix of the trip in progress. */
  tripFix(fix: FilteredFix): void {
    const t = this.trip;
    if (!t) return;
    if (t.lastFix) t.alongM += haversineM(t.lastFix.lat, t.lastFix.lng, fix.lat, fix.lng);
    t.lastFix = fix;
    const zones = this.places.zones();
    const cell = this.cells.at(fix.lat, fix.lng);
    if (t.firstEmitMs === undefined) {
      // Start trim: the first emitted cell is past the random trim and clear of every zone
      // grown by it, so a trip leaving a zone shows neither the place nor the zone's edge.
      if (t.alongM < t.startTrimM || insideAnyZone(zones, cell.lat, cell.lng, cell.radiusM + t.startTrimM))
        return;
      t.firstEmitMs = fix.tMs;
    }
    t.pending.push({
      fix,
      alongM: t.alongM,
      cell,
      inZone: insideAnyZone(zones, cell.lat, cell.lng, cell.radiusM),
      clearForEnd: !insideAnyZone(zones, cell.lat, cell.lng, cell.radiusM + t.endTrimM),
    });
    this.release(t);
    this.processEvents();
  }

  /**
   * End trim: a fix is released only when the vehicle has since driven `endTrimM` further and
   * the release ends on a fix clear of every zone grown by the trim. Whatever is still held when
   * the trip ends is dropped, so the path's last cell is neither near where it stopped nor near
   * a zone it stopped in.
   */
  private release(t: Trip): void {
    const p = t.pending;
    while (t.scanIdx < p.length && t.alongM - (p[t.scanIdx] as PendingFix).alongM >= t.endTrimM) {
      if ((p[t.scanIdx] as PendingFix).clearForEnd) t.lastClearIdx = t.scanIdx;
      t.scanIdx++;
    }
    if (t.lastClearIdx < 0) return;
    const released = p.splice(0, t.lastClearIdx + 1);
    t.scanIdx -= released.length;
    t.lastClearIdx = -1;
    for (const r of released) this.emitPathPoint(t, r);
  }

  private emitPathPoint(t: Trip, r: PendingFix): void {
    const prev = t.lastReleased;
    if (prev && !prev.inZone && !r.inZone) {
      t.segDistanceM += haversineM(prev.fix.lat, prev.fix.lng, r.fix.lat, r.fix.lng);
    }
    t.lastReleased = r;
    t.releasedThroughMs = r.fix.tMs;
    if (r.inZone) {
      t.lastCell = undefined;
      return;
    }
    t.lastEmitted = r.cell;
    t.lastEmittedMs = r.fix.tMs;
    if (r.cell.cell === t.lastCell) return;
    t.lastCell = r.cell.cell;
    t.path.push({
      cell: r.cell.cell,
      ts: isoOf(floorTo(r.fix.tMs, this.config.pathTimeStepMs)),
      speedMps: round(Math.min(r.fix.speedMps, 100), 1),
      heading: Math.round(r.fix.headingDeg) % 360,
    });
  }

  /** The trip ended where the vehicle came to rest at `at`. */
  tripEnd(at: FilteredFix): void {
    const t = this.trip;
    if (!t) return;
    // Events released so far stay; anything after the last released fix is in the trim.
    this.processEvents();
    this.pendingEvents = [];
    t.pending = [];
    this.finals.push(...this.segments(t, true));
    this.trip = undefined;
    this.places.noteDwell(at.lat, at.lng, at.tMs);
  }

  /** A detected, located event; held until the path around it is released. */
  addEvent(e: LocatedEvent): void {
    this.pendingEvents.push(e);
    this.processEvents();
  }

  private processEvents(): void {
    if (this.pendingEvents.length === 0) return;
    const t = this.trip;
    const keep: LocatedEvent[] = [];
    const zones = this.places.zones();
    for (const e of this.pendingEvents) {
      // Outside a trip, or before its first emitted point: inside the start trim, dropped.
      if (!t || (t.firstEmitMs !== undefined && e.tMs < t.firstEmitMs)) continue;
      if (t.firstEmitMs === undefined || e.tMs > t.releasedThroughMs) {
        keep.push(e);
        continue;
      }
      const out = this.toContract(e, zones);
      if (out) this.readyEvents.push(out);
    }
    this.pendingEvents = keep;
  }

  private toContract(e: LocatedEvent, zones: readonly PrivacyZone[]): TelemetryEvent | undefined {
    const d = this.config.coordDecimals;
    const lat = round(e.lat, d);
    const lng = round(e.lng, d);
    if (insideAnyZone(zones, lat, lng)) return undefined;
    const common = {
      id: randomUuid(this.random),
      ts: isoOf(floorTo(e.tMs, this.config.eventTimeStepMs)),
      lat,
      lng,
      heading: Math.round(e.headingDeg) % 360,
      speedMps: round(Math.min(Math.max(e.speedMps, 0), 100), 1),
    };
    switch (e.type) {
      case 'hard_brake':
        return { ...common, type: 'hard_brake', decelMps2: clamp(round(e.decelMps2, 2), 0.01, 30) };
      case 'hard_corner':
        return {
          ...common,
          type: 'hard_corner',
          lateralAccelMps2: clamp(round(e.lateralAccelMps2, 2), -30, 30),
        };
      case 'road_anomaly':
        return { ...common, type: 'road_anomaly', kind: e.kind, severity: clamp(round(e.severity, 2), 0, 1) };
      case 'near_miss':
        return {
          ...common,
          type: 'near_miss',
          ttcS: clamp(round(e.ttcS, 2), 0, 60),
          badasScore: clamp(round(e.badasScore, 3), 0, 1),
        };
      case 'badas_alert':
        return {
          ...common,
          type: 'badas_alert',
          score: clamp(round(e.score, 3), 0, 1),
          modelVersion: e.modelVersion.slice(0, 64),
        };
    }
  }

  /** How many events are released and not yet taken. */
  readyCount(): number {
    return this.readyEvents.length;
  }

  /** Events released since the last call, in release order. */
  takeEvents(): TelemetryEvent[] {
    return this.readyEvents.splice(0, this.readyEvents.length);
  }

  /** Trip segments to ride along with the batch being closed: finished trips' finals, then the current trip's new path. */
  takeTripSegments(): TripEvent[] {
    const out = this.finals.splice(0, this.finals.length);
    if (this.trip && this.trip.path.length > 0) out.push(...this.segments(this.trip, false));
    return out;
  }

  /** Path entries (and finished trips) waiting for a batch: the batcher counts them as content. */
  pendingTripContent(): number {
    return this.finals.length + (this.trip ? this.trip.path.length : 0);
  }

  private segments(t: Trip, final: boolean): TripEvent[] {
    const out: TripEvent[] = [];
    // Nothing of this trip was ever emitted: no segment reveals it existed at all.
    if (t.path.length === 0 && (!final || t.seq === 0 || !t.lastEmitted)) return out;
    do {
      const path = t.path.splice(0, this.config.maxPathEntries);
      const isLast = t.path.length === 0;
      const anchor = path[0] ? this.cells.centreOf(path[0].cell) : (t.lastEmitted as CellInfo);
      const tsMs = path[0] ? undefined : floorTo(t.lastEmittedMs, this.config.pathTimeStepMs);
      out.push({
        id: randomUuid(this.random),
        type: 'trip',
        ts: path[0] ? path[0].ts : isoOf(tsMs as number),
        lat: round(anchor.lat, this.config.coordDecimals),
        lng: round(anchor.lng, this.config.coordDecimals),
        tripId: t.tripId,
        seq: t.seq++,
        final: final && isLast,
        path,
        distanceM: isLast ? Math.round(t.segDistanceM) : 0,
      });
    } while (t.path.length > 0);
    t.segDistanceM = 0;
    return out;
  }
}

function round(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
