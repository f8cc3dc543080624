import { cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { z } from 'zod';
import { regionsAdmitBox, regionsAdmitPoint } from '../../lib/auth/insurerRegions.ts';
import { latitudeSchema, longitudeSchema, speedMpsSchema } from '../../lib/contract/primitives.ts';
import { cellsCoveringBBox } from '../../lib/geo/areaCover.ts';
import { type BBox, bboxContains, bboxSchema } from '../../lib/geo/bbox.ts';
import { PATH_CELL_RESOLUTION } from '../../lib/geo/pathCellResolution.ts';
import { hourOfWeek } from '../../lib/hazards/baseline.ts';
import { type CellTotals, sumDays } from '../../lib/insights/cellTotals.ts';
import { INSIGHTS_PARTITION_RESOLUTION } from '../../lib/insights/contributions.ts';
import { DEFAULT_K, kAnonymous } from '../../lib/insights/kAnonymity.ts';
import { roadCoverage } from '../../lib/insights/roadCoverage.ts';
import { hotspotRows, segmentRows } from '../../lib/insights/segmentInsights.ts';
import { speedCheck } from '../../lib/insights/speedCheck.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import { DAY_MS } from '../../lib/time/durations.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { roadNetwork } from '../adapters/roadNetworkSource.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { type AuthDeps, requireInsurer, requireOperator } from './auth.ts';
import {
  badRequest,
  forbidden,
  type HttpEvent,
  header,
  httpHandler,
  json,
  jsonBody,
  parseWith,
} from './httpKit.ts';

/** Default interval when `from`/`to` are absent: the last four weeks. */
const DEFAULT_INTERVAL_MS = 28 * DAY_MS;
/** Longest interval: a quarter of day items per partition keeps a query to ~100 items a partition. */
const MAX_INTERVAL_MS = 92 * DAY_MS;
/** Largest box: 0.2° (~20 km) a side is a city district's worth of res-8 partitions (≤ ~700). */
const MAX_BBOX_DEG = 0.2;
/** Speed-check pools the same hour of the week over this many weeks either side of `ts`. */
const SPEED_CHECK_WEEKS = 13;
const MAX_HOTSPOTS = 100;

const timeSchema = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const intervalShape = { bbox: bboxSchema, from: timeSchema.optional(), to: timeSchema.optional() };
const areaQuerySchema = z.object(intervalShape);
const hotspotQuerySchema = z.object({
  ...intervalShape,
  metric: z.enum(['near_miss', 'hard_brake']),
  limit: z.coerce.number().pipe(z.number().int().min(1).max(MAX_HOTSPOTS)).default(20),
});
const speedCheckSchema = z.object({
  lat: latitudeSchema,
  lng: longitudeSchema,
  ts: timeSchema,
  claimedSpeedMps: speedMpsSchema,
});

const query = (event: HttpEvent) => event.queryStringParameters ?? {};

/** 403 unless the insurer's regions admit the box (operators and region-less insurers pass). */
function requireBoxInRegions(principal: { regions?: number[][] } | undefined, box: BBox): void {
  if (principal && !regionsAdmitBox(principal.regions, box))
    throw forbidden('the bbox is outside the regions of this API key');
}

/** The box and the whole UTC days an area query covers, checked against the limits. */
function areaAndDays(q: { bbox: BBox; from?: number | undefined; to?: number | undefined }, nowMs: number) {
  const b = q.bbox;
  if (b.maxLng - b.minLng > MAX_BBOX_DEG || b.maxLat - b.minLat > MAX_BBOX_DEG) {
    throw badRequest(`bbox larger than ${MAX_BBOX_DEG}° on a side`, [
      { path: '/bbox', message: 'too large' },
    ]);
  }
  const to = q.to ?? nowMs;
  const from = q.from ?? to - DEFAULT_INTERVAL_MS;
  if (from > to) throw badRequest('from is after to', [{ path: '/from', message: 'must not be after to' }]);
  if (to - from > MAX_INTERVAL_MS) {
    throw badRequest('interval longer than 92 days', [{ path: '/to', message: 'interval too long' }]);
  }
  return { bbox: b, fromMs: from, toMs: to, fromDay: utcDay(from), toDay: utcDay(to) };
}

/** What an insurer query is handed: authorisation, the anonymous aggregates, the audit log. */
export type InsightsQueryDeps = AuthDeps & Pick<AppDeps, 'insights' | 'audit'>;

/**
 * Per-cell totals of an area over whole UTC days, built from k-anonymous atoms only: a cell's
 * day with fewer than k distinct cameras adds nothing (see `sumDays`). Partitions never
 * observed cost one key in a BatchGet and no Query.
 */
export async function areaTotals(
  deps: Pick<AppDeps, 'insights'>,
  area: { bbox: BBox; fromDay: string; toDay: string },
) {
  const seen = await deps.insights.seenCells(cellsCoveringBBox(area.bbox, INSIGHTS_PARTITION_RESOLUTION));
  const inBox = (cell: string) => {
    const [lat, lng] = cellToLatLng(cell);
    return bboxContains(area.bbox, lat, lng);
  };
  const days = await deps.insights.days(seen.keys(), area.fromDay, area.toDay);
  return { totals: [...sumDays(days, inBox, DEFAULT_K).values()] as CellTotals[], inBox };
}

const intervalOf = (a: { fromDay: string; toDay: string }) => ({
  from: `${a.fromDay}T00:00:00Z`,
  to: isoOf(Date.parse(`${a.toDay}T00:00:00Z`) + DAY_MS),
});

/** `GET /v1/insights/segments`: k-anonymous per-cell aggregates of an area and interval. */
export function createSegmentsHandler(deps: InsightsQueryDeps) {
  return httpHandler(async (event) => {
    const insurer = await requireInsurer(event, deps);
    const area = areaAndDays(parseWith(areaQuerySchema, query(event), 'segments query'), deps.clock());
    requireBoxInRegions(insurer, area.bbox);
    const { totals } = await areaTotals(deps, area);
    return json(200, { ...intervalOf(area), k: DEFAULT_K, cells: segmentRows(totals, DEFAULT_K) });
  });
}

/** `GET /v1/insights/hotspots`: k-anonymous cells ranked by event rate, with 95 % intervals. */
export function createHotspotsHandler(deps: InsightsQueryDeps) {
  return httpHandler(async (event) => {
    const insurer = await requireInsurer(event, deps);
    const q = parseWith(hotspotQuerySchema, query(event), 'hotspots query');
    const area = areaAndDays(q, deps.clock());
    requireBoxInRegions(insurer, area.bbox);
    const { totals } = await areaTotals(deps, area);
    return json(200, {
      ...intervalOf(area),
      metric: q.metric,
      k: DEFAULT_K,
      ranking: 'by the lower bound of the 95 % Poisson interval of events per 100 km',
      hotspots: hotspotRows(totals, q.metric, q.limit, DEFAULT_K),
    });
  });
}

/**
 * `GET /v1/coverage`: the area's road network (OpenStreetMap, per road class) and the share of
 * it whose cells meet k in the interval. Denominators come from the road network alone and
 * numerators from k-anonymous cells alone, so no withheld cell shows, even by differencing.
 */
export function createCoverageHandler(deps: InsightsQueryDeps) {
  return httpHandler(async (event) => {
    // Insurers present an API key (audited); operators their bearer token.
    const insurer = header(event, 'x-api-key') ? await requireInsurer(event, deps) : undefined;
    if (!insurer) await requireOperator(event, deps);
    const area = areaAndDays(parseWith(areaQuerySchema, query(event), 'coverage query'), deps.clock());
    requireBoxInRegions(insurer, area.bbox);
    const { totals, inBox } = await areaTotals(deps, area);
    const covered = new Set(kAnonymous(totals, DEFAULT_K).map((t) => t.cell));
    const network = roadNetwork();
    const cov = roadCoverage(network.cells, inBox, covered);
    return json(200, {
      ...intervalOf(area),
      k: DEFAULT_K,
      roadCellDefinition:
        'H3 res-10 cells crossed by the road network (OpenStreetMap); covered when they meet k in the interval',
      roadNetwork: { source: network.source, attribution: network.attribution },
      roadCells: cov.overall.roadCells,
      coveredCells: cov.overall.coveredCells,
      share:
        cov.overall.roadCells === 0
          ? 0
          : Math.round((cov.overall.coveredCells / cov.overall.roadCells) * 1e4) / 1e4,
      roadKm: cov.overall.roadKm,
      coveredKm: cov.overall.coveredKm,
      kmShare: cov.overall.share,
      byClass: cov.byClass,
    });
  });
}

/** `POST /v1/insights/speed-check`: where a claimed speed falls among observed speeds there and then. */
export function createSpeedCheckHandler(deps: InsightsQueryDeps) {
  return httpHandler(async (event) => {
    const insurer = await requireInsurer(event, deps);
    const body = parseWith(speedCheckSchema, jsonBody(event, 4096), 'speed-check body');
    if (!regionsAdmitPoint(insurer.regions, body.lat, body.lng))
      throw forbidden('the point is outside the regions of this API key');
    const cell = latLngToCell(body.lat, body.lng, PATH_CELL_RESOLUTION);
    const neighbours = gridDisk(cell, 1);
    const partitions = new Set(neighbours.map((c) => cellToParent(c, INSIGHTS_PARTITION_RESOLUTION)));
    const epochHour = Math.floor(body.ts / 3600_000);
    const how = hourOfWeek(epochHour * 60);
    const span = SPEED_CHECK_WEEKS * 168;
    const items = await deps.insights.speedHours(partitions, how, epochHour - span, epochHour + span);
    const result = speedCheck({
      items,
      cell,
      neighbours,
      claimedSpeedMps: body.claimedSpeedMps,
      k: DEFAULT_K,
      minCamerasPerHour: DEFAULT_K,
    });
    return json(200, {
      cell,
      hourOfWeek: how,
      weeks: {
        from: isoOf((epochHour - span) * 3600_000),
        to: isoOf((epochHour + span + 1) * 3600_000),
      },
      k: DEFAULT_K,
      claimedSpeedMps: body.claimedSpeedMps,
      ...result,
    });
  });
}

export const segmentsHandler = lambdaEntry(createSegmentsHandler, 'insightsSegments');
export const hotspotsHandler = lambdaEntry(createHotspotsHandler, 'insightsHotspots');
export const coverageHandler = lambdaEntry(createCoverageHandler, 'coverage');
export const speedCheckHandler = lambdaEntry(createSpeedCheckHandler, 'insightsSpeedCheck');
