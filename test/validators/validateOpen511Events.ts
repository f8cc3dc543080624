import {
  OPEN511_CERTAINTIES,
  OPEN511_EVENT_SUBTYPES,
  OPEN511_EVENT_TYPES,
  OPEN511_SEVERITIES,
  OPEN511_STATUSES,
} from '../../lib/feeds/open511.ts';

/*
 * A validator written from Open511 v1's published requirements, applied to the JSON serialization:
 * the schema open511.rnc and open511.schematron (github.com/open511/open511, open511/validator/
 * schema) and the field tables of documentation/1.0/event.html and guidelines.html
 * (github.com/open511/Open511API). JSON naming follows the spec's converter: a link `rel="x"`
 * becomes `x_url`, `self` becomes `url`, foreign elements are keys starting with `+`.
 */

const EVENT_KEYS = new Set([
  'url',
  'jurisdiction_url',
  'id',
  'status',
  'headline',
  'description',
  'event_type',
  'event_subtypes',
  'severity',
  'certainty',
  'created',
  'updated',
  'detour',
  'geography',
  'grouped_events',
  'areas',
  'roads',
  'timezone',
  'schedule',
  'attachments',
]);
const REQUIRED = [
  'url',
  'jurisdiction_url',
  'id',
  'status',
  'headline',
  'event_type',
  'severity',
  'created',
  'updated',
  'geography',
  'schedule',
] as const;
const ROAD_DIRECTIONS = ['N', 'E', 'W', 'S', 'NW', 'SW', 'NE', 'SE', 'NONE', 'BOTH'];
const ROAD_STATES = ['CLOSED', 'SOME_LANES_CLOSED', 'SINGLE_LANE_ALTERNATING', 'ALL_LANES_OPEN'];
const GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];

/** Open511IDType: `jurisdiction-id/resource-id`. */
const OPEN511_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9.-]{2,}\/[a-zA-Z0-9_.-]+$/;
/** TimestampType: xsd:dateTime with `Z` or a numeric offset. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-][01]\d:?\d\d)$/;
/** Interval and IntervalWithoutEnd: minutes, no seconds, no offset. */
const INTERVAL = /^(\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d)\/(\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d)?$/;
const ABSOLUTE_URL = /^https?:\/.+/;

/**
 * Problems of an Open511 JSON events document, each as `path: message`; empty when valid.
 *
 * @example
 * validateOpen511Events({ events: [], pagination: { offset: 0 }, meta: { version: 'v1' } }); // []
 */
export function validateOpen511Events(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['/: not a JSON object'];
  for (const key of Object.keys(doc)) {
    if (!['events', 'pagination', 'meta'].includes(key) && !key.startsWith('+')) {
      problems.push(`/${key}: not an Open511 element`);
    }
  }
  checkMeta(doc.meta, problems);
  if (doc.pagination !== undefined) checkPagination(doc.pagination, problems);
  if (!Array.isArray(doc.events)) return [...problems, '/events: required array missing'];
  const seen = new Set<string>();
  doc.events.forEach((event: unknown, i: number) => {
    const at = `/events/${i}`;
    if (!isObject(event)) {
      problems.push(`${at}: not an object`);
      return;
    }
    checkEvent(event, at, problems);
    if (typeof event.id === 'string') {
      if (seen.has(event.id)) problems.push(`${at}/id: not unique in the document`);
      seen.add(event.id);
    }
  });
  return problems;
}

/** "A meta structure has to be contained in each response", with the version; links self/up/top only. */
function checkMeta(meta: unknown, problems: string[]): void {
  if (!isObject(meta)) {
    problems.push('/meta: required object missing');
    return;
  }
  if (meta.version !== 'v1' && meta.version !== 'v0') problems.push('/meta/version: must be "v1" (or "v0")');
  for (const key of Object.keys(meta)) {
    if (key === 'version') continue;
    if (!['url', 'up_url', 'top_url'].includes(key))
      problems.push(`/meta/${key}: only self, up and top links`);
    else checkString(meta[key], `/meta/${key}`, problems);
  }
}

function checkPagination(p: unknown, problems: string[]): void {
  if (!isObject(p)) {
    problems.push('/pagination: not an object');
    return;
  }
  if (!Number.isInteger(p.offset) || (p.offset as number) < 0) {
    problems.push('/pagination/offset: required non-negative integer');
  }
  for (const key of Object.keys(p)) {
    if (key === 'offset') continue;
    if (key !== 'next_url' && key !== 'previous_url')
      problems.push(`/pagination/${key}: only next and previous links`);
    else checkString(p[key], `/pagination/${key}`, problems);
  }
  if (p.offset === 0 && p.previous_url !== undefined)
    problems.push('/pagination/previous_url: must be omitted at offset 0');
}

function checkEvent(ev: Record<string, unknown>, at: string, problems: string[]): void {
  for (const key of Object.keys(ev)) {
    if (!EVENT_KEYS.has(key) && !key.startsWith('+'))
      problems.push(`${at}/${key}: not an Open511 event field`);
  }
  for (const key of REQUIRED) {
    if (ev[key] === undefined) problems.push(`${at}/${key}: required`);
  }
  checkString(ev.url, `${at}/url`, problems);
  if (
    ev.jurisdiction_url !== undefined &&
    (typeof ev.jurisdiction_url !== 'string' || !ABSOLUTE_URL.test(ev.jurisdiction_url))
  ) {
    problems.push(`${at}/jurisdiction_url: must be an absolute URL`);
  }
  if (ev.id !== undefined && (typeof ev.id !== 'string' || !OPEN511_ID.test(ev.id))) {
    problems.push(`${at}/id: not an Open511 ID (jurisdiction-id/resource-id)`);
  }
  checkEnum(ev.status, OPEN511_STATUSES, `${at}/status`, problems);
  checkString(ev.headline, `${at}/headline`, problems);
  if (typeof ev.headline === 'string' && ev.headline.length >= 500)
    problems.push(`${at}/headline: 500 characters or more`);
  if (ev.description !== undefined) checkString(ev.description, `${at}/description`, problems);
  if (ev.detour !== undefined) checkString(ev.detour, `${at}/detour`, problems);
  checkEnum(ev.event_type, OPEN511_EVENT_TYPES, `${at}/event_type`, problems);
  if (ev.event_subtypes !== undefined) {
    if (!Array.isArray(ev.event_subtypes) || ev.event_subtypes.length === 0) {
      problems.push(`${at}/event_subtypes: must be a non-empty list`);
    } else {
      ev.event_subtypes.forEach((s: unknown, i: number) => {
        checkEnum(s, OPEN511_EVENT_SUBTYPES, `${at}/event_subtypes/${i}`, problems);
      });
    }
  }
  checkEnum(ev.severity, OPEN511_SEVERITIES, `${at}/severity`, problems);
  if (ev.certainty !== undefined) checkEnum(ev.certainty, OPEN511_CERTAINTIES, `${at}/certainty`, problems);
  for (const key of ['created', 'updated'] as const) {
    const v = ev[key];
    if (v !== undefined && (typeof v !== 'string' || !TIMESTAMP.test(v) || Number.isNaN(Date.parse(v)))) {
      problems.push(`${at}/${key}: not a date-time with Z or an offset`);
    }
  }
  if (typeof ev.created === 'string' && typeof ev.updated === 'string') {
    if (Date.parse(ev.updated) < Date.parse(ev.created)) problems.push(`${at}/updated: before created`);
  }
  if (ev.timezone !== undefined) checkTimezone(ev.timezone, `${at}/timezone`, problems);
  if (ev.geography !== undefined) checkGeometry(ev.geography, `${at}/geography`, problems);
  if (ev.schedule !== undefined) checkSchedule(ev.schedule, `${at}/schedule`, problems);
  if (ev.roads !== undefined) checkRoads(ev.roads, `${at}/roads`, problems);
}

/** Exactly one of `recurring_schedules` or `intervals`; intervals non-overlapping, at most one open. */
function checkSchedule(s: unknown, at: string, problems: string[]): void {
  if (!isObject(s)) {
    problems.push(`${at}: not an object`);
    return;
  }
  const hasIntervals = s.intervals !== undefined;
  const hasRecurring = s.recurring_schedules !== undefined;
  if (hasIntervals === hasRecurring) {
    problems.push(`${at}: needs one (and only one) of recurring_schedules or intervals`);
    return;
  }
  if (hasRecurring) {
    if (!Array.isArray(s.recurring_schedules) || s.recurring_schedules.length === 0) {
      problems.push(`${at}/recurring_schedules: must be a non-empty list`);
    }
    return;
  }
  if (s.exceptions !== undefined) problems.push(`${at}/exceptions: only with recurring_schedules`);
  if (!Array.isArray(s.intervals) || s.intervals.length === 0) {
    problems.push(`${at}/intervals: must be a non-empty list`);
    return;
  }
  const spans: [number, number][] = [];
  s.intervals.forEach((iv: unknown, i: number) => {
    const m = typeof iv === 'string' ? INTERVAL.exec(iv) : null;
    if (!m) {
      problems.push(`${at}/intervals/${i}: not "YYYY-MM-DDThh:mm/[YYYY-MM-DDThh:mm]"`);
      return;
    }
    const start = Date.parse(`${m[1]}Z`);
    const end = m[3] ? Date.parse(`${m[3]}Z`) : Number.POSITIVE_INFINITY;
    if (!(end > start)) problems.push(`${at}/intervals/${i}: ends before it starts`);
    spans.push([start, end]);
  });
  if (spans.filter(([, end]) => end === Number.POSITIVE_INFINITY).length > 1) {
    problems.push(`${at}/intervals: more than one interval without an end`);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) problems.push(`${at}/intervals: overlapping intervals`);
  }
}

/** GeoJSON geometry of a type Open511 allows, with WGS84 [lng, lat] positions. */
function checkGeometry(g: unknown, at: string, problems: string[]): void {
  if (!isObject(g) || typeof g.type !== 'string' || !GEOMETRY_TYPES.includes(g.type)) {
    problems.push(`${at}: not a GeoJSON ${GEOMETRY_TYPES.join('/')}`);
    return;
  }
  const depth: Record<string, number> = {
    Point: 0,
    MultiPoint: 1,
    LineString: 1,
    MultiLineString: 2,
    Polygon: 2,
    MultiPolygon: 3,
  };
  if (!positionsOk(g.coordinates, depth[g.type]!))
    problems.push(`${at}/coordinates: not valid ${g.type} coordinates`);
  if (g.type === 'LineString' && Array.isArray(g.coordinates) && g.coordinates.length < 2) {
    problems.push(`${at}/coordinates: a LineString needs two or more positions`);
  }
}

function positionsOk(c: unknown, depth: number): boolean {
  if (!Array.isArray(c)) return false;
  if (depth === 0) {
    const [lng, lat] = c as unknown[];
    return (
      (c.length === 2 || c.length === 3) &&
      typeof lng === 'number' &&
      typeof lat === 'number' &&
      Math.abs(lng) <= 180 &&
      Math.abs(lat) <= 90
    );
  }
  return c.length > 0 && c.every((x) => positionsOk(x, depth - 1));
}

function checkRoads(roads: unknown, at: string, problems: string[]): void {
  if (!Array.isArray(roads) || roads.length === 0) {
    problems.push(`${at}: must be a non-empty list`);
    return;
  }
  roads.forEach((r: unknown, i: number) => {
    const rat = `${at}/${i}`;
    if (!isObject(r)) {
      problems.push(`${rat}: not an object`);
      return;
    }
    if (r.name === undefined) problems.push(`${rat}/name: required`);
    checkString(r.name, `${rat}/name`, problems);
    if (r.to !== undefined && r.from === undefined) problems.push(`${rat}/from: required when to is given`);
    if (r.direction !== undefined) checkEnum(r.direction, ROAD_DIRECTIONS, `${rat}/direction`, problems);
    if (r.state !== undefined) {
      checkEnum(r.state, ROAD_STATES, `${rat}/state`, problems);
      if (r.direction === undefined) problems.push(`${rat}/direction: required when state is given`);
    }
    for (const key of ['lanes_open', 'lanes_closed'] as const) {
      if (r[key] === undefined) continue;
      if (r.state !== 'SOME_LANES_CLOSED' || r.direction === undefined || r.direction === 'BOTH') {
        problems.push(`${rat}/${key}: only with state SOME_LANES_CLOSED and a direction other than BOTH`);
      }
    }
  });
}

function checkTimezone(tz: unknown, at: string, problems: string[]): void {
  try {
    if (typeof tz !== 'string') throw new TypeError('not a string');
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    problems.push(`${at}: not a TZ database time zone name`);
  }
}

function checkString(value: unknown, at: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.trim() === '') problems.push(`${at}: must be non-empty text`);
}

function checkEnum(value: unknown, allowed: readonly string[], at: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
