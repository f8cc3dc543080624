import { CIFS_DIRECTIONS, CIFS_SUBTYPES, CIFS_TYPES } from '../../lib/feeds/wazeCifs.ts';

/*
 * A validator written from CIFS's published field requirements
 * (https://developers.google.com/waze/data-feed/cifs-specification and the official schema
 * https://www.gstatic.com/road-incidents/cifsv2.xsd), applied to the JSON form: required elements
 * present, enumerations respected, minimum lengths, xs:dateTime with a time zone, a polyline of at
 * least two "lat lon" pairs, and no element the schema does not define (its `xs:all` admits none).
 */

/** Elements an incident may carry (CIFS v2 schema). `location` is deprecated but still valid. */
const INCIDENT_KEYS = new Set([
  'id',
  'parent_event',
  'creationtime',
  'updatetime',
  'source',
  'type',
  'subtype',
  'description',
  'street',
  'polyline',
  'direction',
  'location',
  'lane_impact',
  'lanes',
  'starttime',
  'endtime',
  'schedule',
]);
const REQUIRED = ['id', 'type', 'description', 'street', 'polyline', 'starttime'] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const COORD = /^-?\d{1,3}\.\d{6,}$/;

/**
 * Problems of a CIFS JSON feed, each as `path: message`; empty when the feed is valid.
 *
 * @example
 * validateCifsFeed({ incidents: [] }); // []
 * validateCifsFeed({ incidents: [{ id: 'x' }] }); // ['/incidents/0/id: shorter than 3 characters', …]
 */
export function validateCifsFeed(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['/: not a JSON object'];
  for (const key of Object.keys(doc)) {
    if (key !== 'incidents' && key !== 'timestamp') problems.push(`/${key}: not a CIFS element`);
  }
  if (doc.timestamp !== undefined) checkDateTime(doc.timestamp, '/timestamp', problems);
  if (!Array.isArray(doc.incidents)) return [...problems, '/incidents: required array missing'];
  const seen = new Set<string>();
  doc.incidents.forEach((incident: unknown, i: number) => {
    const at = `/incidents/${i}`;
    if (!isObject(incident)) {
      problems.push(`${at}: not an object`);
      return;
    }
    checkIncident(incident, at, problems);
    if (typeof incident.id === 'string') {
      if (seen.has(incident.id)) problems.push(`${at}/id: not unique in the feed`);
      seen.add(incident.id);
    }
  });
  return problems;
}

function checkIncident(inc: Record<string, unknown>, at: string, problems: string[]): void {
  for (const key of Object.keys(inc)) {
    if (!INCIDENT_KEYS.has(key)) problems.push(`${at}/${key}: not a CIFS element`);
  }
  for (const key of REQUIRED) {
    if (inc[key] === undefined) problems.push(`${at}/${key}: required`);
  }
  checkString(inc.id, `${at}/id`, 3, problems);
  checkString(inc.description, `${at}/description`, 1, problems);
  checkString(inc.street, `${at}/street`, 2, problems);
  checkEnum(inc.type, CIFS_TYPES, `${at}/type`, problems);
  if (inc.subtype !== undefined && inc.subtype !== '') {
    checkEnum(inc.subtype, CIFS_SUBTYPES, `${at}/subtype`, problems);
    // "The subtype must match the value given in the type tag": ACCIDENT_* under ACCIDENT, etc.
    if (
      typeof inc.subtype === 'string' &&
      typeof inc.type === 'string' &&
      !inc.subtype.startsWith(`${inc.type}_`)
    ) {
      problems.push(`${at}/subtype: ${inc.subtype} does not belong to type ${inc.type}`);
    }
  }
  if (inc.direction !== undefined) checkEnum(inc.direction, CIFS_DIRECTIONS, `${at}/direction`, problems);
  if (inc.polyline !== undefined) checkPolyline(inc.polyline, `${at}/polyline`, problems);
  for (const key of ['starttime', 'endtime', 'creationtime', 'updatetime'] as const) {
    if (inc[key] !== undefined) checkDateTime(inc[key], `${at}/${key}`, problems);
  }
  if (typeof inc.starttime === 'string' && typeof inc.endtime === 'string') {
    if (Date.parse(inc.endtime) < Date.parse(inc.starttime)) problems.push(`${at}/endtime: before starttime`);
  }
  if (inc.source !== undefined) checkSource(inc.source, `${at}/source`, problems);
}

function checkSource(source: unknown, at: string, problems: string[]): void {
  if (!isObject(source)) {
    problems.push(`${at}: not an object`);
    return;
  }
  for (const key of Object.keys(source)) {
    if (!['reference', 'name', 'url'].includes(key)) problems.push(`${at}/${key}: not a CIFS element`);
  }
  if (source.reference === undefined) problems.push(`${at}/reference: required`);
  checkString(source.reference, `${at}/reference`, 1, problems);
  if (source.name !== undefined) checkString(source.name, `${at}/name`, 1, problems);
  if (source.url !== undefined) checkString(source.url, `${at}/url`, 1, problems);
}

/** Blank-separated `lat lon` pairs, at least two, six or more decimals, in WGS84 range. */
function checkPolyline(value: unknown, at: string, problems: string[]): void {
  if (typeof value !== 'string') {
    problems.push(`${at}: not a string`);
    return;
  }
  const parts = value.trim().split(/\s+/);
  if (parts.length % 2 !== 0) problems.push(`${at}: not a list of lat lon pairs`);
  if (parts.length < 4) problems.push(`${at}: fewer than two coordinates`);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [lat, lon] = [parts[i]!, parts[i + 1]!];
    if (!COORD.test(lat) || !COORD.test(lon)) {
      problems.push(`${at}: "${lat} ${lon}" is not decimal degrees with at least 6 decimals`);
      continue;
    }
    if (Math.abs(Number(lat)) > 90 || Math.abs(Number(lon)) > 180) {
      problems.push(`${at}: "${lat} ${lon}" is outside WGS84 lat/lon ranges`);
    }
  }
  if (parts.length >= 4 && new Set(pairs(parts)).size < 2) problems.push(`${at}: all points are the same`);
}

function pairs(parts: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(`${parts[i]} ${parts[i + 1]}`);
  return out;
}

function checkDateTime(value: unknown, at: string, problems: string[]): void {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(`${at}: not an ISO 8601 date-time with a time zone offset`);
  }
}

function checkString(value: unknown, at: string, minLength: number, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string') problems.push(`${at}: not a string`);
  else if (value.trim().length < minLength) problems.push(`${at}: shorter than ${minLength} characters`);
}

function checkEnum(value: unknown, allowed: readonly string[], at: string, problems: string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
