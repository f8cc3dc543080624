import type { HazardKind } from '../contract/hazards.ts';
import type { Open511EventSubtype, Open511EventType, Open511Severity } from '../feeds/open511.ts';
import type { CifsSubtype, CifsType } from '../feeds/wazeCifs.ts';
import { type HazardRule, nearMissRule } from './hazardRule.ts';
import type { SignalKind } from './signals.ts';

/** Everything dashnet knows about one kind of hazard, in one place. */
export interface HazardKindSpec {
  /** The live evidence whose cluster raises it (`signals.ts` maps events to signals). */
  signal: SignalKind;
  /** The rule that judges a window; absent: the detector's configured rule (statistical by default). */
  rule?: HazardRule;
  /** The sliding window; absent: the detector's configured window (20 minutes by default). */
  windowMinutes?: number;
  /** Distinct cameras that must pass cleanly after the last evidence before it is cleared. */
  clearAfterPassers: number;
  /** Active this long after its last evidence when nothing clears it sooner. */
  staleAfterMs: number;
  /** What the cameras did, for feed descriptions: "`cameras` dash cameras {evidence} here". */
  evidence: string;
  /** Name for people: map legend, feed headlines. */
  label: string;
  /** Map colour (CSS hex), distinct from the other kinds' on the dark map. */
  colour: string;
  /** Headline in the feeds (CIFS description, Open511 headline). */
  headline: string;
  /** Waze CIFS incident type and subtype. */
  cifs: { type: CifsType; subtype: CifsSubtype };
  /** Open511 event type, subtypes and severity (about traffic impact, per the spec). */
  open511: { eventType: Open511EventType; subtypes?: Open511EventSubtype[]; severity: Open511Severity };
}

/**
 * The hazard kinds, declared once: the detector, clearing, staleness, the feeds and the map
 * derive from this table, so adding a kind is one entry here plus its logic.
 */
export const HAZARD_KIND_TABLE: { readonly [K in HazardKind]: HazardKindSpec } = {
  slowdown_or_obstruction: {
    signal: 'brake',
    // A stalled car or debris makes nearly every driver brake: a few clean passes mean it is gone.
    clearAfterPassers: 4,
    // Usually towed or cleared within half an hour.
    staleAfterMs: 30 * 60_000,
    evidence: 'braked or reported it',
    label: 'Slowdown / obstruction',
    colour: '#ff5a5f',
    // Hard braking says something blocks or slows traffic, not that a car is stopped: the generic
    // on-road hazard, not HAZARD_ON_ROAD_CAR_STOPPED, which would claim more than the evidence.
    cifs: { type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' },
    headline: 'Sudden slowdown or obstruction',
    // Severity is about traffic (spec: MODERATE "a visible impact … small and local"): cameras
    // braking hard is itself a visible local impact. HAZARD, not OBSTRUCTION: the braking shows
    // drivers met something, not that a lane is blocked.
    open511: { eventType: 'INCIDENT', subtypes: ['HAZARD'], severity: 'MODERATE' },
  },
  pothole: {
    signal: 'pothole',
    // Felt by a minority of wheels: it takes many clean passes.
    clearAfterPassers: 30,
    // Stays until it is repaired, which takes days to weeks.
    staleAfterMs: 14 * 24 * 3600_000,
    evidence: 'braked or reported it',
    label: 'Pothole',
    colour: '#ffb020',
    cifs: { type: 'HAZARD', subtype: 'HAZARD_ON_ROAD_POT_HOLE' },
    headline: 'Pothole',
    // A state of the road surface, and no Open511 subtype names one: a subtype outside the list
    // would make the event invalid, so the headline carries it.
    open511: { eventType: 'ROAD_CONDITION', severity: 'MINOR' },
  },
  debris: {
    signal: 'debris',
    clearAfterPassers: 5,
    // Usually removed within hours.
    staleAfterMs: 3 * 3600_000,
    evidence: 'braked or reported it',
    label: 'Debris',
    colour: '#c08cff',
    cifs: { type: 'HAZARD', subtype: 'HAZARD_ON_ROAD_OBJECT' },
    headline: 'Debris on the road',
    open511: { eventType: 'INCIDENT', subtypes: ['OBSTRUCTION'], severity: 'MINOR' },
  },
  near_miss: {
    signal: 'near_miss',
    // Several independent cameras coming within 1.5 s of a collision at one place: a conflict
    // point (a queue tail behind a blind crest, a junction drivers misjudge) — see nearMissRule.
    rule: nearMissRule(),
    // An hour, not 20 minutes: near misses are rare (~0.2 % of passes through a cell at most), so
    // even a dangerous spot gathers three in tens of minutes, not minutes.
    windowMinutes: 60,
    // A conflict point makes a minority of drivers near-miss, so clean passes say little each.
    clearAfterPassers: 20,
    // What makes a spot dangerous for hours (roadworks, a signal outage, a queue) rarely lasts a
    // day; a permanent black spot keeps raising new hazards and shows in the insurers' hotspots.
    staleAfterMs: 2 * 3600_000,
    evidence: 'came close to a collision',
    label: 'Near misses',
    colour: '#ff3df2',
    // Nothing on the road itself: the on-road hazard in general, the one CIFS subtype that
    // does not claim an object, a stopped car or weather.
    cifs: { type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' },
    headline: 'Frequent near misses',
    // HAZARD to drivers with no effect on flow by itself: MINOR.
    open511: { eventType: 'INCIDENT', subtypes: ['HAZARD'], severity: 'MINOR' },
  },
};

/** The window of a kind, in minutes: its own, else the detector's. */
export function windowMinutesOf(kind: HazardKind, defaultMinutes: number): number {
  return HAZARD_KIND_TABLE[kind].windowMinutes ?? defaultMinutes;
}

/** The longest window any kind uses: how far back an invocation must read buckets. */
export function longestWindowMinutes(defaultMinutes: number): number {
  let max = defaultMinutes;
  for (const spec of Object.values(HAZARD_KIND_TABLE)) max = Math.max(max, spec.windowMinutes ?? 0);
  return max;
}

/** One kind as the map draws it. */
export interface HazardKindLegendEntry {
  kind: HazardKind;
  label: string;
  colour: string;
  /** The kind's sliding window: how far back before a hazard's first sighting its evidence goes. */
  windowMinutes: number;
}

/**
 * The map's legend, from the table: what `/map/kinds.json` serves so the page draws every kind
 * (a new one included) with its label, colour and window instead of a copy of them.
 * `detectorWindowMinutes` is the configured window of kinds that set none.
 *
 * @example hazardKindLegend(20)[0] // { kind: 'slowdown_or_obstruction', label: 'Slowdown / obstruction', colour: '#ff5a5f', windowMinutes: 20 }
 */
export function hazardKindLegend(detectorWindowMinutes: number): HazardKindLegendEntry[] {
  return (Object.entries(HAZARD_KIND_TABLE) as [HazardKind, HazardKindSpec][]).map(([kind, spec]) => ({
    kind,
    label: spec.label,
    colour: spec.colour,
    windowMinutes: spec.windowMinutes ?? detectorWindowMinutes,
  }));
}
