import { cellToBoundary, cellToLatLng, getResolution, latLngToCell } from 'h3-js';
import { ManualClock } from '../../edge/core/clock.ts';
import { silentLogger } from '../../edge/core/logger.ts';
import { createSeededRandom } from '../../edge/core/random.ts';
import { type KeyValueStorage, MemoryStorage } from '../../edge/core/storage.ts';
import { DEFAULT_TRIP_DETECTOR, TripDetector } from '../../edge/detectors/tripDetector.ts';
import { DEFAULT_EDGE_CONFIG, type EdgeConfig } from '../../edge/edgeConfig.ts';
import { EdgePipeline } from '../../edge/pipeline.ts';
import type { PrivacyZone } from '../../edge/privacy/privacyZones.ts';
import { GpsFilter } from '../../edge/sensors/gpsFilter.ts';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import type { TelemetryEvent, TripEvent } from '../../lib/contract/events.ts';
import { haversineM } from '../../lib/geo/distance.ts';
import { cmuFiles, loadCmuDrive } from './cmuDrives.ts';

/**
 * Privacy-versus-utility evaluation of the camera's redaction on real multi-day GPS.
 *
 * Nothing here is labelled: GeoLife has no home ground truth, so "homes" are INFERRED from the
 * raw trace (see {@link inferHomes}) and the attacks see only what the camera uploaded. The
 * "road cells driven" are the H3 res-10 cells of the raw fixes that the camera's own trip
 * detector (default thresholds) places inside a trip while moving at ≥ 2.5 m/s, i.e. what the
 * network could have learned had nothing been redacted.
 */

/** A point in WGS84 degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A continuous recording: the camera powers up at its first fix and down after its last. */
export type Recording = GpsFix[];

/** IMU samples of each recording (same order), when the data set has them. */
export type RecordingImu = ImuSample[][];

/** What the camera uploaded over all recordings of one user, decoded. */
export interface Uploaded {
  /** Every trip, its segments joined in `seq` order. */
  trips: { path: { cell: string; tsMs: number }[] }[];
  /** Every non-trip event (hard brakes, corners, road anomalies: only with IMU). */
  events: { lat: number; lng: number; tsMs: number }[];
  /** Each zone the device held, from the sensor time it first held it until it dropped it. */
  zones: { zone: PrivacyZone; sinceMs: number; untilMs: number }[];
}

/** The keys of the device's place store; they survive power cycles, everything else is per run here. */
const PERSISTENT_PREFIX = 'edge/places/';

/**
 * Runs the real camera pipeline over each recording in turn, as one device whose place store
 * persists across power cycles (the upload queue is drained between them, as the uplink would).
 * GPS only, network sharing on.
 */
export function runDevice(
  recordings: Recording[],
  config: Partial<EdgeConfig>,
  seed: string,
  imu?: RecordingImu,
): Uploaded {
  const persistent = new MemoryStorage();
  const random = createSeededRandom(seed);
  const out: Uploaded = { trips: [], events: [], zones: [] };
  const held = new Map<string, { zone: PrivacyZone; sinceMs: number; untilMs: number }>();
  for (const [r, rec] of recordings.entries()) {
    const storage = splitStorage(persistent, new MemoryStorage());
    const pipeline = new EdgePipeline(
      { clock: new ManualClock(), random, storage, logger: silentLogger },
      {
        ...DEFAULT_EDGE_CONFIG,
        ...config,
        networkSharing: true,
        queue: { maxBatches: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER },
      },
    );
    let lastPlaces: readonly unknown[] | undefined;
    let lastVisits = -1;
    const noteZones = (tMs: number): void => {
      // Zones change when a place is added, expires, or gains a visit (a circle becomes a zone).
      const all = pipeline.places.all();
      let visits = all.length;
      for (const p of all) visits += p.visits;
      if (all === lastPlaces && visits === lastVisits) return;
      lastPlaces = all;
      lastVisits = visits;
      const now = new Set<string>();
      for (const z of pipeline.places.zones()) {
        const k = `${z.lat},${z.lng},${z.radiusM}`;
        now.add(k);
        if (held.has(k)) continue;
        const entry = { zone: z, sinceMs: tMs, untilMs: Number.POSITIVE_INFINITY };
        held.set(k, entry);
        out.zones.push(entry);
      }
      for (const [k, entry] of held) {
        if (now.has(k)) continue;
        entry.untilMs = tMs;
        held.delete(k);
      }
    };
    noteZones(rec[0]?.tMs ?? 0);
    const samples = imu?.[r] ?? [];
    let j = 0;
    for (const f of rec) {
      for (; j < samples.length && (samples[j] as ImuSample).tMs < f.tMs; j++)
        pipeline.pushImu(samples[j] as ImuSample);
      pipeline.pushGps(f);
      noteZones(f.tMs);
    }
    for (; j < samples.length; j++) pipeline.pushImu(samples[j] as ImuSample);
    pipeline.finish();
    decode(pipeline.queue.bodies(), out);
  }
  return out;
}

function splitStorage(persistent: KeyValueStorage, volatile: KeyValueStorage): KeyValueStorage {
  const pick = (key: string) => (key.startsWith(PERSISTENT_PREFIX) ? persistent : volatile);
  return {
    get: (k) => pick(k).get(k),
    set: (k, v) => pick(k).set(k, v),
    delete: (k) => pick(k).delete(k),
  };
}

function decode(bodies: string[], out: Uploaded): void {
  const trips = new Map<string, TripEvent[]>();
  for (const b of bodies) {
    for (const e of (JSON.parse(b) as { events: TelemetryEvent[] }).events) {
      if (e.type === 'trip') trips.set(e.tripId, [...(trips.get(e.tripId) ?? []), e]);
      else out.events.push({ lat: e.lat, lng: e.lng, tsMs: Date.parse(e.ts) });
    }
  }
  for (const segs of trips.values()) {
    const path = segs
      .sort((a, b) => a.seq - b.seq)
      .flatMap((s) => s.path.map((p) => ({ cell: p.cell, tsMs: Date.parse(p.ts) })));
    if (path.length > 0) out.trips.push({ path });
  }
}

/** The raw trace as the camera's trip detector segments it (the unredacted truth). */
export interface RawTrips {
  /** Distinct H3 res-10 cells of fixes inside trips while moving (≥ the detector's moving speed). */
  drivenCells: Set<string>;
  /** Where each trip started and ended (the rest fixes). */
  endpoints: LatLng[];
}

/** Segments the raw recordings into trips with the camera's own filter and detector. */
export function rawTrips(recordings: Recording[]): RawTrips {
  const drivenCells = new Set<string>();
  const endpoints: LatLng[] = [];
  for (const rec of recordings) {
    const filter = new GpsFilter();
    const trips = new TripDetector();
    const onSignals = (signals: ReturnType<TripDetector['push']>): void => {
      for (const s of signals) {
        if (s.kind === 'fix') {
          if (s.fix.speedMps >= DEFAULT_TRIP_DETECTOR.movingSpeedMps)
            drivenCells.add(latLngToCell(s.fix.lat, s.fix.lng, 10));
        } else endpoints.push({ lat: s.at.lat, lng: s.at.lng });
      }
    };
    for (const raw of rec) {
      const f = filter.push(raw);
      if (f) onSignals(trips.push(f));
    }
    onSignals(trips.finish());
  }
  return { drivenCells, endpoints };
}

/** Splits a user's fixes into recordings at every trajectory change (a gap in the recording). */
export function splitRecordings(fixes: GpsFix[], trajIds: string[]): Recording[] {
  const out: Recording[] = [];
  let cur: Recording = [];
  for (let i = 0; i < fixes.length; i++) {
    if (i > 0 && trajIds[i] !== trajIds[i - 1] && cur.length > 0) {
      out.push(cur);
      cur = [];
    }
    cur.push(fixes[i] as GpsFix);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** A cluster of points: its centre (mean of members) and how many points it holds. */
export interface Cluster extends LatLng {
  support: number;
}

/**
 * Greedy density clustering: repeatedly take the point with the most neighbours within
 * `radiusM`, report the mean of those neighbours, remove them. The first cluster is the
 * attacker's top guess. O(n²), fine for the few hundred endpoints a user has.
 */
export function densestClusters(points: LatLng[], radiusM: number, max = 5): Cluster[] {
  let left = points.slice();
  const out: Cluster[] = [];
  while (left.length > 0 && out.length < max) {
    let best: LatLng[] = [];
    for (const p of left) {
      const near = left.filter((q) => haversineM(p.lat, p.lng, q.lat, q.lng) <= radiusM);
      if (near.length > best.length) best = near;
    }
    const lat = best.reduce((s, q) => s + q.lat, 0) / best.length;
    const lng = best.reduce((s, q) => s + q.lng, 0) / best.length;
    out.push({ lat, lng, support: best.length });
    const taken = new Set(best);
    left = left.filter((q) => !taken.has(q));
  }
  return out;
}

/** Beijing local time (GeoLife is mostly Beijing): UTC+8, no daylight saving. */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The first and last point of each local day. */
export function dayEnds(points: (LatLng & { tsMs: number })[], tzOffsetMs: number): LatLng[] {
  const days = new Map<number, { first: LatLng & { tsMs: number }; last: LatLng & { tsMs: number } }>();
  for (const p of points) {
    const day = Math.floor((p.tsMs + tzOffsetMs) / 86_400_000);
    const d = days.get(day);
    if (!d) days.set(day, { first: p, last: p });
    else {
      if (p.tsMs < d.first.tsMs) d.first = p;
      if (p.tsMs >= d.last.tsMs) d.last = p;
    }
  }
  return [...days.values()].flatMap((d) => [d.first, d.last]);
}

/** Radius within which points count as one place (a car park's or a housing block's extent). */
export const PLACE_RADIUS_M = 150;

/** A place needs this many trip ends or day ends to count as a home (a one-off stop is not). */
export const MIN_HOME_SUPPORT = 4;

/**
 * INFERRED homes of one user (GeoLife has no ground truth): the densest cluster of raw trip
 * endpoints, and the densest cluster of the first/last raw fix of each local day, each only
 * when it holds at least {@link MIN_HOME_SUPPORT} points. Both are what a home-finding attack
 * on the unredacted trace would return.
 */
export function inferHomes(recordings: Recording[], raw: RawTrips, tzOffsetMs: number): Cluster[] {
  const fixes = recordings.flat().map((f) => ({ lat: f.lat, lng: f.lng, tsMs: f.tMs }));
  const candidates = [
    densestClusters(raw.endpoints, PLACE_RADIUS_M, 1)[0],
    densestClusters(dayEnds(fixes, tzOffsetMs), PLACE_RADIUS_M, 1)[0],
  ];
  const homes: Cluster[] = [];
  for (const c of candidates) {
    if (!c || c.support < MIN_HOME_SUPPORT) continue;
    if (homes.some((h) => haversineM(h.lat, h.lng, c.lat, c.lng) <= PLACE_RADIUS_M)) continue;
    homes.push(c);
  }
  return homes;
}

/** The attacks, all on uploaded data only. */
export const ATTACKS = ['trip_ends', 'trip_ends_ring', 'day_ends'] as const;
export type AttackName = (typeof ATTACKS)[number];

/**
 * Radius of the trip-end ring a zone leaves: endpoints of trips leaving a zone lie on a ring
 * around its centre, and the centroid of the whole ring (Hassan et al., USENIX Security 2018)
 * is the zone's centre however wide the trims are.
 */
const RING_RADIUS_M = 1000;

/**
 * Each attack's `k` best guesses, best first: the densest clusters of trip ends, the ring
 * centroid around each of those, and the densest clusters of each day's first/last upload.
 */
export function attackGuesses(up: Uploaded, tzOffsetMs: number, k = 1): Record<AttackName, LatLng[]> {
  const ends: LatLng[] = [];
  const timed: (LatLng & { tsMs: number })[] = [];
  for (const t of up.trips) {
    const first = t.path[0];
    const last = t.path[t.path.length - 1];
    if (!first || !last) continue;
    for (const p of [first, last]) {
      const [lat, lng] = cellToLatLng(p.cell);
      ends.push({ lat, lng });
    }
    for (const p of t.path) {
      const [lat, lng] = cellToLatLng(p.cell);
      timed.push({ lat, lng, tsMs: p.tsMs });
    }
  }
  for (const e of up.events) timed.push(e);
  const dense = densestClusters(ends, PLACE_RADIUS_M, k);
  const rings = dense.map((d) => {
    const near = ends.filter((p) => haversineM(p.lat, p.lng, d.lat, d.lng) <= RING_RADIUS_M);
    return {
      lat: near.reduce((s, q) => s + q.lat, 0) / near.length,
      lng: near.reduce((s, q) => s + q.lng, 0) / near.length,
    };
  });
  return {
    trip_ends: dense,
    trip_ends_ring: rings,
    day_ends: densestClusters(dayEnds(timed, tzOffsetMs), PLACE_RADIUS_M, k),
  };
}

/** A home counts as found when an attack's top guess is this close (see docs/privacy.md). */
export const FOUND_RADIUS_M = 150;

/** Everything measured for one user under one redaction configuration. */
export interface UserEvaluation {
  homes: Cluster[];
  drivenCells: number;
  uploadedDrivenCells: number;
  /** uploadedDrivenCells / drivenCells. */
  utility: number;
  /** Non-trip events uploaded (hard brakes, corners, road anomalies). */
  uploadedEvents: number;
  /** Per attack: distance of its top guess from the nearest inferred home (undefined: no guess/home). */
  attackErrorM: Record<AttackName, number | undefined>;
  /** Homes some attack's top guess lands within {@link FOUND_RADIUS_M} of. */
  homesFound: number;
  /** Homes some attack's top-3 guesses land within {@link FOUND_RADIUS_M} of (a patient attacker). */
  homesFoundTop3: number;
  /** Uploaded events or path cells (any part of the hexagon) within 100 m of an inferred home. */
  nearHome: number;
  /**
   * Of those, how many were sent before the device had ever rested near that home (no zone
   * or circle covered it yet): nothing on the device could have known the place then.
   */
  nearHomeUnlearned: number;
  /** Uploaded path cells or events inside a zone the device already held when they were sent. */
  insideZone: number;
}

/** One user's recordings with the truth inferred from them (computed once, attacked many times). */
export interface PreparedUser {
  recordings: Recording[];
  imu?: RecordingImu;
  raw: RawTrips;
  homes: Cluster[];
  tzOffsetMs: number;
}

/** Segments the raw trace and infers the user's homes. */
export function prepareUser(recordings: Recording[], tzOffsetMs: number, imu?: RecordingImu): PreparedUser {
  const raw = rawTrips(recordings);
  const prepared: PreparedUser = {
    recordings,
    raw,
    homes: inferHomes(recordings, raw, tzOffsetMs),
    tzOffsetMs,
  };
  if (imu) prepared.imu = imu;
  return prepared;
}

/** Runs one user's recordings through the camera (redaction `config`, device `seed`) and the attacks. */
export function evaluateUser(user: PreparedUser, config: Partial<EdgeConfig>, seed: string): UserEvaluation {
  const { raw, homes, tzOffsetMs } = user;
  const up = runDevice(user.recordings, config, seed, user.imu);
  const uploadedCells = new Set(up.trips.flatMap((t) => t.path.map((p) => p.cell)));
  let uploadedDriven = 0;
  for (const c of raw.drivenCells) if (uploadedCells.has(c)) uploadedDriven++;

  const guesses = attackGuesses(up, tzOffsetMs, 3);
  const attackErrorM = {} as Record<AttackName, number | undefined>;
  const found = new Set<Cluster>();
  const foundTop3 = new Set<Cluster>();
  for (const a of ATTACKS) {
    for (const g of guesses[a])
      for (const h of homes) if (haversineM(g.lat, g.lng, h.lat, h.lng) <= FOUND_RADIUS_M) foundTop3.add(h);
    const g = guesses[a][0];
    let best: number | undefined;
    for (const h of homes) {
      if (!g) continue;
      const d = haversineM(g.lat, g.lng, h.lat, h.lng);
      if (best === undefined || d < best) best = d;
      if (d <= FOUND_RADIUS_M) found.add(h);
    }
    attackErrorM[a] = best;
  }

  let nearHome = 0;
  let nearHomeUnlearned = 0;
  // When the device first protected each home: the first zone or circle containing it.
  const learnedMs = homes.map((h) =>
    Math.min(
      ...up.zones
        .filter((z) => haversineM(z.zone.lat, z.zone.lng, h.lat, h.lng) <= z.zone.radiusM)
        .map((z) => z.sinceMs),
    ),
  );
  // `tsMs` is floored (to the minute for paths): only count as unlearned what was certainly sent before.
  const noteNear = (near: boolean[], tsMs: number, stepMs: number): void => {
    if (!near.some(Boolean)) return;
    nearHome++;
    if (near.some((n, i) => n && tsMs + stepMs <= (learnedMs[i] as number))) nearHomeUnlearned++;
  };
  let insideZone = 0;
  const cellDistance = (cell: string) => (p: LatLng) => minDistanceToCellM(cell, p.lat, p.lng);
  for (const t of up.trips) {
    for (const p of t.path) {
      const dist = cellDistance(p.cell);
      noteNear(
        homes.map((h) => dist(h) <= 100),
        p.tsMs,
        60_000,
      );
      // Path times are floored to the minute: a cell stamped a minute after the zone appeared
      // was certainly released after it.
      if (
        up.zones.some(
          (z) => z.sinceMs + 60_000 <= p.tsMs && p.tsMs < z.untilMs && dist(z.zone) <= z.zone.radiusM,
        )
      )
        insideZone++;
    }
  }
  for (const e of up.events) {
    noteNear(
      homes.map((h) => haversineM(h.lat, h.lng, e.lat, e.lng) <= 100),
      e.tsMs,
      1000,
    );
    if (
      up.zones.some(
        (z) =>
          z.sinceMs + 1000 <= e.tsMs &&
          e.tsMs < z.untilMs &&
          haversineM(z.zone.lat, z.zone.lng, e.lat, e.lng) <= z.zone.radiusM,
      )
    )
      insideZone++;
  }

  return {
    homes,
    drivenCells: raw.drivenCells.size,
    uploadedDrivenCells: uploadedDriven,
    utility: raw.drivenCells.size === 0 ? 0 : uploadedDriven / raw.drivenCells.size,
    uploadedEvents: up.events.length,
    attackErrorM,
    homesFound: found.size,
    homesFoundTop3: foundTop3.size,
    nearHome,
    nearHomeUnlearned,
    insideZone,
  };
}

/**
 * Plain baselines the design is compared with: a fixed 200 m circle centred on every stop and
 * nothing else, and the previous design (a randomised 300–600 m zone on every stop, 200–500 m
 * trims; its centre offset was up to 60 % of the radius, here up to radius − 120 m).
 */
export const REDACTION_BASELINES: Record<string, Partial<EdgeConfig>> = {
  fixed_200m_circle: {
    places: {
      ...DEFAULT_EDGE_CONFIG.places,
      frequentVisits: 1,
      zoneVisits: 1,
      zone: { minRadiusM: 200, maxRadiusM: 200, minOffsetM: 0, minInsideM: 200 },
    },
    redactor: { ...DEFAULT_EDGE_CONFIG.redactor, minTrimM: 0, maxTrimM: 0 },
  },
  every_stop_zoned: {
    places: {
      ...DEFAULT_EDGE_CONFIG.places,
      frequentVisits: 1,
      zoneVisits: 1,
      zone: { minRadiusM: 300, maxRadiusM: 600, minOffsetM: 0, minInsideM: 120 },
    },
    redactor: { ...DEFAULT_EDGE_CONFIG.redactor, minTrimM: 200, maxTrimM: 500 },
  },
};

/** Figures over several user evaluations. */
export interface EvaluationSummary {
  runs: number;
  homes: number;
  homesFound: number;
  homesFoundTop3: number;
  /** Mean over runs of each user's share (every user weighs the same). */
  utilityMean: number;
  utilityMin: number;
  /** All users' uploaded driven cells over all their driven cells. */
  utilityPooled: number;
  /** Every attack's error over every run, ascending (metres). */
  attackErrorsM: number[];
  nearHome: number;
  nearHomeUnlearned: number;
  insideZone: number;
}

/** Sums and distributions over `evals`. */
export function summarise(evals: UserEvaluation[]): EvaluationSummary {
  const utilities = evals.map((e) => e.utility);
  const driven = evals.reduce((s, e) => s + e.drivenCells, 0);
  return {
    runs: evals.length,
    homes: evals.reduce((s, e) => s + e.homes.length, 0),
    homesFound: evals.reduce((s, e) => s + e.homesFound, 0),
    homesFoundTop3: evals.reduce((s, e) => s + e.homesFoundTop3, 0),
    utilityMean: utilities.reduce((a, b) => a + b, 0) / Math.max(1, utilities.length),
    utilityMin: Math.min(...utilities),
    utilityPooled: driven === 0 ? 0 : evals.reduce((s, e) => s + e.uploadedDrivenCells, 0) / driven,
    attackErrorsM: evals
      .flatMap((e) => ATTACKS.map((a) => e.attackErrorM[a]))
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b),
    nearHome: evals.reduce((s, e) => s + e.nearHome, 0),
    nearHomeUnlearned: evals.reduce((s, e) => s + e.nearHomeUnlearned, 0),
    insideZone: evals.reduce((s, e) => s + e.insideZone, 0),
  };
}

/** The q-quantile (0..1) of ascending `xs` (nearest rank); NaN when empty. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))] as number;
}

/**
 * Distance from (lat, lng) to the nearest point of an H3 cell's hexagon (0 inside it), on a
 * local flat projection (exact to well under a metre at cell scale). Used to check that no
 * part of a released cell comes near a protected place.
 */
export function minDistanceToCellM(cell: string, lat: number, lng: number): number {
  if (latLngToCell(lat, lng, getResolution(cell)) === cell) return 0;
  const mPerDegLng = 111_320 * Math.cos((lat * Math.PI) / 180);
  const pts = cellToBoundary(cell).map(([vlat, vlng]) => [(vlng - lng) * mPerDegLng, (vlat - lat) * 111_320]);
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < pts.length; i++) {
    const [ax = 0, ay = 0] = pts[i] ?? [];
    const [bx = 0, by = 0] = pts[(i + 1) % pts.length] ?? [];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    // Nearest point of the edge to the origin (the query point).
    const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    m = Math.min(m, Math.hypot(ax + u * dx, ay + u * dy));
  }
  return m;
}

/** Pittsburgh in April: UTC−4 (EDT). */
export const PITTSBURGH_OFFSET_MS = -4 * 3_600_000;

/** The CMU pothole laps (`Routes/r1..r5`, GPS and IMU) as one device's recordings. */
export function prepareCmuLaps(root: string): PreparedUser {
  const drives = cmuFiles(root)
    .filter((f) => f.file.startsWith('Routes/'))
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((f) => loadCmuDrive(root, f.file));
  return prepareUser(
    drives.map((d) => d.gps),
    PITTSBURGH_OFFSET_MS,
    drives.map((d) => d.imu),
  );
}
