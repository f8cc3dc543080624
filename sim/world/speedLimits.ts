/**
 * Speed limits of the simulated road network.
 *
 * The network is Pittsburgh, so unposted limits follow the Pennsylvania Vehicle Code §3362:
 * 35 mph in urban districts, 25 mph on residence-district roads, 55 mph on other highways;
 * ramps carry the advisory speeds typically posted on PennDOT ramps. A tagged `maxspeed` wins.
 */

const MPH = 0.44704;

/** Default limit per OSM `highway` class, in mph, used when `maxspeed` is not tagged. */
export const CLASS_DEFAULT_MPH: Readonly<Record<string, number>> = {
  motorway: 55,
  motorway_link: 35,
  trunk: 45,
  trunk_link: 30,
  primary: 35,
  primary_link: 25,
  secondary: 35,
  secondary_link: 25,
  tertiary: 25,
  tertiary_link: 20,
  unclassified: 25,
  residential: 25,
  living_street: 10,
  service: 15,
};

/** Importance of a road class: higher is more major. Used to bias trips and pick busy roads. */
export const CLASS_RANK: Readonly<Record<string, number>> = {
  motorway: 6,
  trunk: 5,
  primary: 4,
  secondary: 3,
  tertiary: 2,
  motorway_link: 3,
  trunk_link: 3,
  primary_link: 2,
  secondary_link: 2,
  tertiary_link: 1,
};

/** Parses OSM list-valued tags as OSMnx writes them: "['trunk', 'motorway']" → ['trunk', 'motorway']. */
export function parseOsmList(value: string | null | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  const trimmed = value.trim();
  if (!trimmed.startsWith('[')) return [trimmed];
  return trimmed
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim().replace(/^['"]|['"]$/g, ''))
    .filter((s) => s.length > 0);
}

/** The most major class of a possibly list-valued `highway` tag. */
export function roadClass(highway: string | null | undefined): string {
  const classes = parseOsmList(highway);
  let best = classes[0] ?? 'unclassified';
  for (const c of classes) if ((CLASS_RANK[c] ?? 0) > (CLASS_RANK[best] ?? 0)) best = c;
  return best;
}

/**
 * Parses one OSM `maxspeed` value to m/s: "25 mph" or a bare number (km/h, the OSM default unit).
 * Returns undefined for values such as "signals" or "none".
 */
export function parseMaxspeedMps(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return m[2]?.toLowerCase() === 'mph' ? n * MPH : n / 3.6;
}

/**
 * The speed limit of an edge in m/s: the tagged `maxspeed` (the lowest when list-valued, since a
 * list means the limit changes along the way) or the class default.
 *
 * @example
 * speedLimitMps('primary', '25 mph'); // 11.18
 * speedLimitMps('motorway', null);   // 24.59 (55 mph)
 */
export function speedLimitMps(
  highway: string | null | undefined,
  maxspeed: string | null | undefined,
): number {
  const tagged = parseOsmList(maxspeed)
    .map(parseMaxspeedMps)
    .filter((v): v is number => v !== undefined);
  if (tagged.length > 0) return Math.min(...tagged);
  return (CLASS_DEFAULT_MPH[roadClass(highway)] ?? 25) * MPH;
}
