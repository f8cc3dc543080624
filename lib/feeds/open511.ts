import { HAZARD_KIND_TABLE } from '../hazards/hazardKinds.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import { isoOf } from '../time/isoTime.ts';

/*
 * Open511 v1 events, JSON serialization. Sources: the specification at
 * https://github.com/open511/Open511API (documentation/1.0/event.html, guidelines.html) and its
 * normative schema https://github.com/open511/open511/tree/master/open511/validator/schema
 * (open511.rnc for elements and enumerations, open511.schematron for the link rules).
 */

export const OPEN511_EVENT_TYPES = [
  'CONSTRUCTION',
  'SPECIAL_EVENT',
  'INCIDENT',
  'WEATHER_CONDITION',
  'ROAD_CONDITION',
] as const;
export type Open511EventType = (typeof OPEN511_EVENT_TYPES)[number];

export const OPEN511_EVENT_SUBTYPES = [
  'ACCIDENT',
  'SPILL',
  'OBSTRUCTION',
  'HAZARD',
  'ROAD_MAINTENANCE',
  'ROAD_CONSTRUCTION',
  'EMERGENCY_MAINTENANCE',
  'PLANNED_EVENT',
  'CROWD',
  'HAIL',
  'THUNDERSTORM',
  'HEAVY_DOWNPOUR',
  'STRONG_WINDS',
  'BLOWING_DUST',
  'SANDSTORM',
  'INSECT_SWARMS',
  'AVALANCHE_HAZARD',
  'SURFACE_WATER_HAZARD',
  'MUD',
  'LOOSE_GRAVEL',
  'OIL_ON_ROADWAY',
  'FIRE',
  'SIGNAL_LIGHT_FAILURE',
  'PARTLY_ICY',
  'ICE_COVERED',
  'PARTLY_SNOW_PACKED',
  'SNOW_PACKED',
  'PARTLY_SNOW_COVERED',
  'SNOW_COVERED',
  'DRIFTING_SNOW',
  'POOR_VISIBILITY',
  'ALMOST_IMPASSABLE',
  'PASSABLE_WITH_CARE',
] as const;
export type Open511EventSubtype = (typeof OPEN511_EVENT_SUBTYPES)[number];

export const OPEN511_SEVERITIES = ['MINOR', 'MODERATE', 'MAJOR', 'UNKNOWN'] as const;
export type Open511Severity = (typeof OPEN511_SEVERITIES)[number];

export const OPEN511_CERTAINTIES = ['OBSERVED', 'LIKELY', 'POSSIBLE', 'UNKNOWN'] as const;
export type Open511Certainty = (typeof OPEN511_CERTAINTIES)[number];

export const OPEN511_STATUSES = ['ACTIVE', 'ARCHIVED'] as const;
export type Open511Status = (typeof OPEN511_STATUSES)[number];

/** An Open511 event. Links follow the JSON rule: `self` → `url`, `jurisdiction` → `jurisdiction_url`. */
export interface Open511Event {
  url: string;
  jurisdiction_url: string;
  id: string;
  status: Open511Status;
  headline: string;
  description?: string;
  event_type: Open511EventType;
  event_subtypes?: Open511EventSubtype[];
  severity: Open511Severity;
  certainty?: Open511Certainty;
  created: string;
  updated: string;
  timezone?: string;
  geography: { type: 'Point'; coordinates: [number, number] };
  schedule: { intervals: string[] };
}

/** An Open511 events list: `events`, `pagination` and the mandatory `meta`. */
export interface Open511EventsDocument {
  events: Open511Event[];
  pagination: { offset: number; next_url?: string; previous_url?: string };
  meta: { version: 'v1'; url: string; up_url?: string };
}

export interface Open511Options {
  nowMs: number;
  /** Public base URL of the API, e.g. `https://api.example.org`. */
  baseUrl: string;
  /** Absolute URL of this page (the list's `self` link), query included. */
  selfUrl: string;
  /** Index of the first event of the page (guidelines, "Pagination"). Default 0. */
  offset?: number;
  /** Largest page. Default {@link OPEN511_DEFAULT_LIMIT}. */
  limit?: number;
  jurisdictionId?: string;
}

/**
 * dashnet's Open511 jurisdiction id. Open511 ids are `jurisdiction-id/resource-id` and a
 * jurisdiction id is a domain the publisher controls (schema: `[a-z0-9][a-z0-9-]*\.[a-z0-9.-]{2,}`);
 * `dashnet.dev` is the domain the API's problem types already live under.
 */
export const OPEN511_JURISDICTION_ID = 'dashnet.dev';

/**
 * Page size when the client gives no `limit`, and the cap on it. The guidelines let a server cap
 * `limit` "but it should not be lower than 500".
 */
export const OPEN511_DEFAULT_LIMIT = 500;

/**
 * Time zone of every event. Open511 schedules are local times without offset, read in the event's
 * `timezone` (a TZ database name) or, when absent, the jurisdiction's; dashnet spans time zones
 * and keeps UTC, so it says so on each event.
 */
export const OPEN511_TIMEZONE = 'UTC';

/**
 * How sure the network is, in Open511's terms. The values are CAP's (OASIS CAP 1.2 `certainty`),
 * which defines them by probability: Observed — determined to have occurred or to be ongoing;
 * Likely — p > ~50 %; Possible — p ≤ ~50 %. dashnet's confidence is that probability estimate
 * (0.5 at the camera threshold, ~0.94 at twice it), so ≥ 0.9 — twice the threshold of
 * independent cameras — counts as observed.
 */
export function open511Certainty(confidence: number): Open511Certainty {
  if (!Number.isFinite(confidence)) return 'UNKNOWN';
  if (confidence >= 0.9) return 'OBSERVED';
  if (confidence > 0.5) return 'LIKELY';
  return 'POSSIBLE';
}

/**
 * Active hazards as an Open511 events document, newest evidence first, one page of it.
 *
 * @example
 * open511Events(hazards, {
 *   nowMs: Date.now(),
 *   baseUrl: 'https://api.example.org',
 *   selfUrl: 'https://api.example.org/v1/feeds/open511/events?bbox=-80,40,-79.9,40.5',
 * }); // { events: [{ id: 'dashnet.dev/hz_…', event_type: 'INCIDENT', certainty: 'POSSIBLE', … }], pagination: { offset: 0 }, meta: { version: 'v1', … } }
 */
export function open511Events(hazards: readonly HazardRecord[], opts: Open511Options): Open511EventsDocument {
  const offset = opts.offset ?? 0;
  const limit = Math.min(opts.limit ?? OPEN511_DEFAULT_LIMIT, OPEN511_DEFAULT_LIMIT);
  const sorted = [...hazards].sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.id.localeCompare(b.id));
  const page = sorted.slice(offset, offset + limit);
  const pagination: Open511EventsDocument['pagination'] = { offset };
  // Next/previous "must be omitted" when there is no such page.
  if (offset + limit < sorted.length) pagination.next_url = withPage(opts.selfUrl, offset + limit, limit);
  if (offset > 0) pagination.previous_url = withPage(opts.selfUrl, Math.max(0, offset - limit), limit);
  return {
    events: page.map((h) => open511Event(h, opts)),
    pagination,
    meta: { version: 'v1', url: opts.selfUrl },
  };
}

/** One hazard as an Open511 event. Feeds list active hazards only, so `status` is ACTIVE. */
export function open511Event(
  h: HazardRecord,
  opts: Pick<Open511Options, 'baseUrl' | 'jurisdictionId'>,
): Open511Event {
  const jurisdiction = opts.jurisdictionId ?? OPEN511_JURISDICTION_ID;
  const spec = HAZARD_KIND_TABLE[h.kind];
  const kind = { ...spec.open511, headline: spec.headline };
  const base = opts.baseUrl.replace(/\/+$/, '');
  return {
    // Best practice from the guidelines: the event's id as the last path segments of its URL.
    url: `${base}/v1/feeds/open511/events/${jurisdiction}/${h.id}`,
    // "Must be an absolute URL" (schematron: starts with http).
    jurisdiction_url: `${base}/v1/feeds/open511/jurisdictions/${jurisdiction}`,
    id: `${jurisdiction}/${h.id}`,
    status: 'ACTIVE',
    headline: kind.headline,
    description: `${kind.headline}, raised from ${h.cameras} independent dash cameras (confidence ${h.confidence.toFixed(2)}).`,
    event_type: kind.eventType,
    ...(kind.subtypes ? { event_subtypes: [...kind.subtypes] } : {}),
    severity: kind.severity,
    certainty: open511Certainty(h.confidence),
    created: timestamp(h.firstSeenMs),
    // "When the content of the event last changed": new evidence changes cameras and confidence.
    updated: timestamp(Math.max(h.firstSeenMs, h.lastSeenMs)),
    timezone: OPEN511_TIMEZONE,
    geography: { type: 'Point', coordinates: [round6(h.lng), round6(h.lat)] },
    // Open-ended from first evidence: "until further notice" is `start/` with nothing after it.
    schedule: { intervals: [`${minuteOf(h.firstSeenMs)}/`] },
  };
}

/** `created`/`updated`: W3C date-time with seconds (the guidelines ask for seconds here) and Z. */
function timestamp(ms: number): string {
  return isoOf(ms, 'second');
}

/** Schedule datetimes: hours and minutes, no seconds, no offset (`2014-09-01T21:00`). */
function minuteOf(ms: number): string {
  return isoOf(ms, 'minute');
}

function withPage(selfUrl: string, offset: number, limit: number): string {
  const url = new URL(selfUrl);
  url.searchParams.set('offset', String(offset));
  url.searchParams.set('limit', String(limit));
  return url.toString();
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
