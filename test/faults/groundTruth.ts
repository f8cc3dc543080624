import { isDeepStrictEqual } from 'node:util';
import { latLngToCell } from 'h3-js';
import { partitionOf } from '../../functions/adapters/bucketStore.ts';
import type { AppDeps } from '../../functions/runtime/deps.ts';
import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { type BaselineCounts, hourOfWeek, rollupHour } from '../../lib/hazards/baseline.ts';
import { aggregateSignals, bucketId } from '../../lib/hazards/bucketing.ts';
import { partitionRecords } from '../../lib/ingest/partitionRecords.ts';
import { contributionsOf } from '../../lib/insights/contributions.ts';
import { type DayCell, foldDay } from '../../lib/insights/dayRollup.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import type { EpochMinute } from '../../lib/time/epochMinute.ts';
import { seededRandom } from '../../local/faultProxy.ts';
import { offset } from '../factories.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** One batch a simulated camera sends, retried with the same id until it is acknowledged. */
export interface PlannedBatch {
  camera: number;
  batchId: string;
  events: TelemetryEvent[];
}

export interface FleetPlan {
  cameras: number;
  /** Cameras whose data is deleted during the run: they brake only at their own, live site. */
  deletedCameras: number[];
  /** Sites where every other camera brakes now: each must end with one hazard of all of them. */
  sites: { lat: number; lng: number }[];
  batches: PlannedBatch[];
}

export interface PlanOptions {
  cameras: number;
  batchesPerCamera: number;
  deletedCameras: number;
  seed: number;
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A fleet's batches, deterministic from the seed. Each batch carries a live brake at one of two
 * sites (hazards), a brake a few hours ago somewhere in a 6 km square (closed hours: the
 * baseline rollup's work) and one yesterday around noon (a closed day: the insights rollup's).
 */
export function planFleet(opts: PlanOptions, nowMs: number): FleetPlan {
  const random = seededRandom(opts.seed);
  const sites = [
    { lat: 40.4417, lng: -79.9901 },
    { lat: 40.4521, lng: -79.9412 },
  ];
  const deletedSite = { lat: 40.4302, lng: -79.9633 };
  const deletedCameras = Array.from({ length: opts.deletedCameras }, (_, i) => opts.cameras - 1 - i);
  const yesterdayNoon = Math.floor(nowMs / DAY_MS) * DAY_MS - 12 * HOUR_MS;
  const brake = (at: { lat: number; lng: number }, tsMs: number): TelemetryEvent => ({
    id: uuidFrom(random),
    type: 'hard_brake',
    ts: new Date(tsMs).toISOString(),
    lat: at.lat,
    lng: at.lng,
    heading: 90,
    speedMps: 14,
    decelMps2: 5.2,
  });
  const batches: PlannedBatch[] = [];
  for (let b = 0; b < opts.batchesPerCamera; b++) {
    for (let camera = 0; camera < opts.cameras; camera++) {
      const live = nowMs - 3 * 60_000 + Math.floor(random() * 120_000);
      if (deletedCameras.includes(camera)) {
        const at = offset(deletedSite.lat, deletedSite.lng, (camera % 4) * 6, 0);
        batches.push({ camera, batchId: uuidFrom(random), events: [brake(at, live)] });
        continue;
      }
      const site = sites[(camera + b) % sites.length]!;
      const somewhere = offset(site.lat, site.lng, (random() - 0.5) * 6000, (random() - 0.5) * 6000);
      const elsewhere = offset(site.lat, site.lng, (random() - 0.5) * 6000, (random() - 0.5) * 6000);
      batches.push({
        camera,
        batchId: uuidFrom(random),
        events: [
          brake(offset(site.lat, site.lng, (camera % 5) * 5, 0), live),
          brake(
            somewhere,
            nowMs - (3 + Math.floor(random() * 30)) * HOUR_MS - Math.floor(random() * HOUR_MS),
          ),
          brake(elsewhere, yesterdayNoon + Math.floor((random() - 0.5) * 8 * HOUR_MS)),
        ],
      });
    }
  }
  return { cameras: opts.cameras, deletedCameras, sites, batches };
}

/**
 * The stream records the stack makes of the plan, with a stand-in pseudonym per camera and day:
 * the same grouping (`partitionRecords`), so counts of distinct cameras, records and
 * contributions are what the stack must end with — a pseudonym is one camera on one day in
 * both, only its value differs.
 */
export function plannedRecords(plan: FleetPlan, exclude: ReadonlySet<number>): StreamRecord[] {
  const out: StreamRecord[] = [];
  for (const batch of plan.batches) {
    if (exclude.has(batch.camera)) continue;
    const byDay = new Map<string, TelemetryEvent[]>();
    for (const e of batch.events) {
      const day = utcDay(Date.parse(e.ts));
      byDay.set(day, [...(byDay.get(day) ?? []), e]);
    }
    for (const [day, events] of byDay) {
      const pseudonym = `camera-${String(batch.camera).padStart(4, '0')}-${day}`;
      out.push(...partitionRecords(events, pseudonym, `${batch.batchId}-${day}`).map((r) => r.record));
    }
  }
  return out;
}

/** One mismatch between the stack's state and the ground truth. */
export interface Mismatch {
  check: 'stats' | 'buckets' | 'hazards' | 'baselines' | 'insights' | 'deletion';
  key: string;
  expected: unknown;
  actual: unknown;
  /** Fewer than expected (lost) or more (counted twice). */
  direction: 'lost' | 'double';
}

/** Counts of the checks, the mismatches, and how many events they amount to either way. */
export interface Verdict {
  checked: Record<Mismatch['check'], number>;
  mismatches: Mismatch[];
  eventsLost: number;
  doubleCounted: number;
}

function direction(expected: number, actual: number): 'lost' | 'double' {
  return actual < expected ? 'lost' : 'double';
}

/**
 * Compares the stack's state (through its stores, after the backlog is drained and the rollups
 * have run) with the plan: bucket camera counts, hazard camera counts, baselines (each closed
 * hour applied once: equal to a rollup of its final buckets) and insights day aggregates (equal
 * to a fold of the planned contributions).
 */
export async function verifyAgainstPlan(
  deps: AppDeps,
  plan: FleetPlan,
  stats: { accepted: number; processed: number; failedToDestination: number },
  nowMs: number,
): Promise<Verdict> {
  const mismatches: Mismatch[] = [];
  const checked: Verdict['checked'] = {
    stats: 0,
    buckets: 0,
    hazards: 0,
    baselines: 0,
    insights: 0,
    deletion: 0,
  };
  const totalEvents = plan.batches.reduce((n, b) => n + b.events.length, 0);
  checked.stats++;
  if (stats.accepted !== totalEvents)
    mismatches.push({
      check: 'stats',
      key: 'accepted',
      expected: totalEvents,
      actual: stats.accepted,
      direction: direction(totalEvents, stats.accepted),
    });
  checked.stats++;
  const settled = stats.processed + stats.failedToDestination;
  if (settled !== totalEvents)
    mismatches.push({
      check: 'stats',
      key: 'processed + failedToDestination',
      expected: totalEvents,
      actual: settled,
      direction: direction(totalEvents, settled),
    });

  // Buckets: distinct cameras per bucket; deleted cameras' buckets must be gone.
  const kept = plannedRecords(plan, new Set(plan.deletedCameras));
  const expected = aggregateSignals(kept);
  const deleted = aggregateSignals(
    plannedRecords(
      plan,
      new Set(plan.batches.map((b) => b.camera).filter((c) => !plan.deletedCameras.includes(c))),
    ),
  );
  const wanted = [...expected.values(), ...deleted.values()];
  const partitions = new Set(wanted.map((d) => partitionOf(d.cell)));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const d of wanted) {
    lo = Math.min(lo, d.minute);
    hi = Math.max(hi, d.minute);
  }
  const actual = new Map<string, number>();
  for (const e of await deps.buckets.readPartitions(
    partitions,
    lo as EpochMinute,
    hi as EpochMinute,
    nowMs,
  )) {
    if (e.kind !== 'brake') continue;
    actual.set(bucketId(e), e.pseudonyms.length);
  }
  for (const [id, d] of expected) {
    checked.buckets++;
    const got = actual.get(id) ?? 0;
    if (got !== d.pseudonyms.size)
      mismatches.push({
        check: 'buckets',
        key: id,
        expected: d.pseudonyms.size,
        actual: got,
        direction: direction(d.pseudonyms.size, got),
      });
  }
  for (const id of deleted.keys()) {
    if (expected.has(id)) continue;
    checked.deletion++;
    const got = actual.get(id) ?? 0;
    if (got !== 0)
      mismatches.push({ check: 'deletion', key: id, expected: 0, actual: got, direction: 'double' });
  }

  // Hazards: one per site, naming every camera that braked there (history, not only the
  // active index: a long run may outlast a hazard's staleness period).
  const areas = new Set(plan.sites.map((s) => deps.hazards.areaOf(latLngToCell(s.lat, s.lng, 10))));
  const months = [...new Set([nowMs - 31 * DAY_MS, nowMs].map((t) => new Date(t).toISOString().slice(0, 7)))];
  const raised = await deps.hazards.listHistory(areas, months, nowMs);
  for (const [i, site] of plan.sites.entries()) {
    checked.hazards++;
    const cams = new Set(
      plan.batches
        .filter((b) => !plan.deletedCameras.includes(b.camera))
        .filter((b) =>
          b.events.some((e) => Math.abs(e.lat - site.lat) < 0.0005 && Math.abs(e.lng - site.lng) < 0.0005),
        )
        .map((b) => b.camera),
    );
    const near = raised.filter(
      (h) => Math.abs(h.lat - site.lat) < 0.003 && Math.abs(h.lng - site.lng) < 0.003,
    );
    const best = Math.max(0, ...near.map((h) => h.cameras));
    if (near.length !== 1 || best !== cams.size)
      mismatches.push({
        check: 'hazards',
        key: `site ${i}`,
        expected: { hazards: 1, cameras: cams.size },
        actual: { hazards: near.length, cameras: best },
        direction: best < cams.size || near.length === 0 ? 'lost' : 'double',
      });
  }

  // Baselines: each closed partition-hour applied exactly once = a rollup of its final buckets.
  const closedBefore = Math.floor((nowMs - deps.detector.maxLatenessMinutes * 60_000) / HOUR_MS);
  const hours = new Map<string, { partition: string; hour: number }>();
  for (const d of expected.values()) {
    const hour = Math.floor(d.minute / 60);
    if (hour >= closedBefore) continue;
    hours.set(`${partitionOf(d.cell)}#${hour}`, { partition: partitionOf(d.cell), hour });
  }
  for (const { partition, hour } of hours.values()) {
    checked.baselines++;
    const from = (hour * 60) as EpochMinute;
    const entries = await deps.buckets.readPartitions([partition], from, (from + 59) as EpochMinute, nowMs);
    const want = rollupHour(entries);
    const base = (await deps.baselines.read([partition], hourOfWeek(from))).get(partition) ?? new Map();
    for (const [key, c] of want) {
      const got: BaselineCounts = base.get(key) ?? { signals: 0, passers: 0 };
      if (got.signals !== c.signals || got.passers !== c.passers)
        mismatches.push({
          check: 'baselines',
          key: `${partition}#${hour}#${key}`,
          expected: c,
          actual: got,
          direction: direction(c.passers, got.passers),
        });
    }
  }

  // Insights: each closed day's aggregates = a fold of the planned contributions.
  const contributions = kept.flatMap((r) => contributionsOf(r));
  const byPartitionDay = new Map<string, typeof contributions>();
  for (const c of contributions) {
    const day = utcDay(c.epochHour * HOUR_MS);
    if ((Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS) + 1) * DAY_MS + 15 * 60_000 > nowMs) continue;
    const key = `${c.partition}|${day}`;
    byPartitionDay.set(key, [...(byPartitionDay.get(key) ?? []), c]);
  }
  for (const [key, list] of byPartitionDay) {
    checked.insights++;
    const [partition, day] = key.split('|') as [string, string];
    const want = foldDay(
      list.map((c) => ({ epochHour: c.epochHour, pseudonym: c.pseudonym, cells: c.cells })),
    ).cells;
    const got: Record<string, DayCell> = Object.assign(
      {},
      ...(await deps.insights.days([partition], day, day)),
    );
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(want)))) {
      const cams = (r: Record<string, DayCell>) =>
        Object.values(r).reduce((n, c) => n + Number((c as { cameras?: number }).cameras ?? 0), 0);
      mismatches.push({
        check: 'insights',
        key,
        expected: want,
        actual: got,
        direction: direction(cams(want), cams(got)),
      });
    }
  }

  let eventsLost = 0;
  let doubleCounted = 0;
  for (const m of mismatches) {
    const diff =
      typeof m.expected === 'number' && typeof m.actual === 'number' ? Math.abs(m.expected - m.actual) : 1;
    if (m.direction === 'lost') eventsLost += diff;
    else doubleCounted += diff;
  }
  return { checked, mismatches, eventsLost, doubleCounted };
}
