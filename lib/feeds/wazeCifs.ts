import { HAZARD_KIND_TABLE } from '../hazards/hazardKinds.ts';
import { effectiveClearedAtMs, type HazardRecord } from '../hazards/hazardRecord.ts';
import { sectorHeading } from '../hazards/headingSector.ts';
import { isoOf } from '../time/isoTime.ts';

/*
 * Waze CIFS (Closure and Incident Feed Specification), JSON form.
 * Sources: https://developers.google.com/waze/data-feed/cifs-specification (element table),
 * https://developers.google.com/waze/data-feed/incident-information (JSON examples) and the
 * official XML schema https://www.gstatic.com/road-incidents/cifsv2.xsd (2022-11-13), which
 * fixes the enumerations and the minimum lengths used here.
 */

/** `type` values the CIFS v2 schema allows. */
export const CIFS_TYPES = [
  'ACCIDENT',
  'CONSTRUCTION',
  'HAZARD',
  'ROAD_CLOSED',
  'POLICE',
  'CHIT_CHAT',
  'JAM',
] as const;
export type CifsType = (typeof CIFS_TYPES)[number];

/** `subtype` values the CIFS v2 schema allows (it also allows the empty string). */
export const CIFS_SUBTYPES = [
  'ACCIDENT_MAJOR',
  'ACCIDENT_MINOR',
  'HAZARD_ON_ROAD',
  'HAZARD_ON_ROAD_CAR_STOPPED',
  'HAZARD_ON_ROAD_CONSTRUCTION',
  'HAZARD_ON_ROAD_ICE',
  'HAZARD_ON_ROAD_LANE_CLOSED',
  'HAZARD_ON_ROAD_OBJECT',
  'HAZARD_ON_ROAD_OIL',
  'HAZARD_ON_ROAD_POT_HOLE',
  'HAZARD_ON_ROAD_ROAD_KILL',
  'HAZARD_ON_ROAD_TRAFFIC_LIGHT_FAULT',
  'HAZARD_ON_SHOULDER',
  'HAZARD_ON_SHOULDER_ANIMALS',
  'HAZARD_ON_SHOULDER_CAR_STOPPED',
  'HAZARD_ON_SHOULDER_MISSING_SIGN',
  'HAZARD_WEATHER',
  'HAZARD_WEATHER_FLOOD',
  'HAZARD_WEATHER_FOG',
  'HAZARD_WEATHER_FREEZING_RAIN',
  'HAZARD_WEATHER_HAIL',
  'HAZARD_WEATHER_HEAT_WAVE',
  'HAZARD_WEATHER_HEAVY_RAIN',
  'HAZARD_WEATHER_HEAVY_SNOW',
  'HAZARD_WEATHER_HURRICANE',
  'HAZARD_WEATHER_MONSOON',
  'HAZARD_WEATHER_TORNADO',
  'JAM_HEAVY_TRAFFIC',
  'JAM_LIGHT_TRAFFIC',
  'JAM_MODERATE_TRAFFIC',
  'JAM_STAND_STILL_TRAFFIC',
  'ROAD_CLOSED_CONSTRUCTION',
  'ROAD_CLOSED_EVENT',
  'ROAD_CLOSED_HAZARD',
  'POLICE_VISIBLE',
  'POLICE_HIDING',
] as const;
export type CifsSubtype = (typeof CIFS_SUBTYPES)[number];

export const CIFS_DIRECTIONS = ['ONE_DIRECTION', 'BOTH_DIRECTIONS'] as const;
export type CifsDirection = (typeof CIFS_DIRECTIONS)[number];

/** `source`: who the information comes from (`reference` is required inside it). */
export interface CifsSource {
  reference: string;
  name?: string;
  url?: string;
}

/** One `incident` of a CIFS feed, with `street`, `polyline` and `direction` at incident level. */
export interface CifsIncident {
  id: string;
  type: CifsType;
  subtype?: CifsSubtype | '';
  polyline: string;
  street: string;
  direction?: CifsDirection;
  starttime: string;
  endtime?: string;
  description: string;
  creationtime?: string;
  updatetime?: string;
  source?: CifsSource;
}

/** A CIFS feed document, JSON form. */
export interface CifsFeed {
  incidents: CifsIncident[];
}

export interface CifsOptions {
  nowMs: number;
  /** Public base URL of the API, e.g. `https://api.example.org`; becomes `source.url`. */
  baseUrl: string;
  /**
   * Street name of a hazard, when something (a map match, a geocoder) knows it. dashnet has no
   * road names today, so the default answers undefined and the feed says {@link UNKNOWN_STREET}.
   */
  streetOf?: (h: HazardRecord) => string | undefined;
}

/**
 * What `street` says when the name is unknown. CIFS requires `street` (schema: at least two
 * characters); Waze places the incident from the polyline, the street only helps a reviewer, so
 * an explicit "unknown" is better than a guessed name.
 */
export const UNKNOWN_STREET = 'Unknown street';

/**
 * Length of the polyline drawn through a point hazard, centred on it. CIFS needs at least two
 * coordinates and reads the affected direction from their order ("we cannot deduct the traffic
 * direction from a single point"). A line of a few tens of metres snaps onto the road the cameras
 * drove, where one of a few metres could snap onto a crossing road. Centring keeps the hazard
 * within 15 m of either end.
 */
export const CIFS_POLYLINE_LENGTH_M = 30;

const SOURCE_REFERENCE = 'dashnet';
const METRES_PER_DEG_LAT = 111_320;

/**
 * Active hazards as a Waze CIFS incident feed (JSON form), newest evidence first.
 *
 * @example
 * const feed = wazeCifsFeed(hazards, { nowMs: Date.now(), baseUrl: 'https://api.example.org' });
 * // { incidents: [{ id: 'hz_…', type: 'HAZARD', subtype: 'HAZARD_ON_ROAD_POT_HOLE', polyline: '40.444166 -79.943600 40.444435 -79.943600', … }] }
 */
export function wazeCifsFeed(hazards: readonly HazardRecord[], opts: CifsOptions): CifsFeed {
  const sorted = [...hazards].sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.id.localeCompare(b.id));
  return { incidents: sorted.map((h) => cifsIncident(h, opts)) };
}

/** One hazard as a CIFS incident. */
export function cifsIncident(h: HazardRecord, opts: CifsOptions): CifsIncident {
  const kind = HAZARD_KIND_TABLE[h.kind];
  const heading = sectorHeading(h.sector);
  return {
    // The hazard id is stable over the hazard's life, as CIFS requires of `id` (min. 3 chars).
    id: h.id,
    type: kind.cifs.type,
    subtype: kind.cifs.subtype,
    // Without a heading the hazard has no direction: the line runs north–south and says so.
    polyline: polylineThrough(h.lat, h.lng, heading ?? 0, CIFS_POLYLINE_LENGTH_M),
    street: opts.streetOf?.(h) ?? UNKNOWN_STREET,
    direction: heading === undefined ? 'BOTH_DIRECTIONS' : 'ONE_DIRECTION',
    starttime: cifsDateTime(h.firstSeenMs),
    // The expected end if no new evidence arrives (the kind's staleness): Waze otherwise keeps an
    // incident for a default period even after the feed drops it.
    endtime: cifsDateTime(Math.max(effectiveClearedAtMs(h), opts.nowMs)),
    description: `${kind.headline}: ${h.cameras} dash cameras ${kind.evidence} here (confidence ${h.confidence.toFixed(2)}).`,
    creationtime: cifsDateTime(h.firstSeenMs),
    updatetime: cifsDateTime(Math.max(h.firstSeenMs, h.lastSeenMs)),
    source: { reference: SOURCE_REFERENCE, name: 'dashnet dash-cam network', url: opts.baseUrl },
  };
}

/**
 * An instant as CIFS writes times: ISO 8601 with an explicit numeric offset, as in the spec's
 * examples (`2016-04-07T09:00:00+01:00`); dashnet works in UTC, so the offset is `+00:00`.
 */
export function cifsDateTime(ms: number): string {
  return `${isoOf(ms, 'second').slice(0, -1)}+00:00`;
}

/**
 * A two-point CIFS polyline (`"lat lon lat lon"`) of `lengthM` centred on a point and ordered in
 * the direction of travel, with six decimals (CIFS asks for at least six, ~0.11 m).
 */
export function polylineThrough(lat: number, lng: number, headingDeg: number, lengthM: number): string {
  const half = lengthM / 2;
  const rad = (headingDeg * Math.PI) / 180;
  const dLat = (half * Math.cos(rad)) / METRES_PER_DEG_LAT;
  const dLng =
    (half * Math.sin(rad)) / (METRES_PER_DEG_LAT * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const pt = (la: number, ln: number) => `${la.toFixed(6)} ${ln.toFixed(6)}`;
  return `${pt(lat - dLat, lng - dLng)} ${pt(lat + dLat, lng + dLng)}`;
}
