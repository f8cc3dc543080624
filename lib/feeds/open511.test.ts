import { describe, expect, it } from 'vitest';
import { validateOpen511Events } from '../../test/validators/validateOpen511Events.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import {
  OPEN511_DEFAULT_LIMIT,
  OPEN511_JURISDICTION_ID,
  open511Certainty,
  open511Events,
} from './open511.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const BASE = 'https://api.example.org';
const SELF = `${BASE}/v1/feeds/open511/events?bbox=-80,40,-79.9,40.5`;
const opts = { nowMs: NOW, baseUrl: BASE, selfUrl: SELF };

function hazard(over: Partial<HazardRecord> = {}): HazardRecord {
  return {
    id: 'hz_0123456789abcdef',
    kind: 'slowdown_or_obstruction',
    signal: 'brake',
    cell: '8a2a8c2d4b47fff',
    sector: 2,
    lat: 40.4443,
    lng: -79.9436,
    firstSeenMs: NOW - 20 * 60_000 + 12_345,
    lastSeenMs: NOW - 5 * 60_000,
    cameras: 10,
    confidence: 0.5,
    ...over,
  };
}

const many = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    hazard({ id: `hz_${String(i).padStart(16, '0')}`, lastSeenMs: NOW - i * 1000 }),
  );

describe('open511Events', () => {
  it('produces a document that passes the Open511 validator for every kind', () => {
    const doc = open511Events(
      [
        hazard(),
        hazard({ id: 'hz_debris000000001', kind: 'debris', signal: 'debris', confidence: 0.75 }),
        hazard({
          id: 'hz_pothole00000001',
          kind: 'pothole',
          signal: 'pothole',
          sector: 'x',
          confidence: 0.94,
        }),
      ],
      opts,
    );
    expect(validateOpen511Events(doc)).toEqual([]);
    expect(doc.meta).toEqual({ version: 'v1', url: SELF });
    expect(doc.pagination).toEqual({ offset: 0 });
  });

  it('writes an event field for field', () => {
    const [event] = open511Events([hazard()], opts).events;
    expect(event).toEqual({
      url: `${BASE}/v1/feeds/open511/events/${OPEN511_JURISDICTION_ID}/hz_0123456789abcdef`,
      jurisdiction_url: `${BASE}/v1/feeds/open511/jurisdictions/${OPEN511_JURISDICTION_ID}`,
      id: `${OPEN511_JURISDICTION_ID}/hz_0123456789abcdef`,
      status: 'ACTIVE',
      headline: 'Sudden slowdown or obstruction',
      description:
        'Sudden slowdown or obstruction, raised from 10 independent dash cameras (confidence 0.50).',
      event_type: 'INCIDENT',
      event_subtypes: ['HAZARD'],
      severity: 'MODERATE',
      certainty: 'POSSIBLE',
      created: '2026-05-04T08:10:12Z',
      updated: '2026-05-04T08:25:00Z',
      timezone: 'UTC',
      geography: { type: 'Point', coordinates: [-79.9436, 40.4443] },
      schedule: { intervals: ['2026-05-04T08:10/'] },
    });
  });

  it('maps debris to an obstruction incident and a pothole to a road condition without subtype', () => {
    const [debris, pothole] = open511Events(
      [
        hazard({ id: 'hz_a', kind: 'debris', lastSeenMs: NOW }),
        hazard({ id: 'hz_b', kind: 'pothole', lastSeenMs: NOW - 1 }),
      ],
      opts,
    ).events;
    expect(debris).toMatchObject({
      event_type: 'INCIDENT',
      event_subtypes: ['OBSTRUCTION'],
      severity: 'MINOR',
    });
    expect(pothole).toMatchObject({ event_type: 'ROAD_CONDITION', severity: 'MINOR', headline: 'Pothole' });
    expect(pothole).not.toHaveProperty('event_subtypes');
  });

  it.each([
    [0.5, 'POSSIBLE'],
    [0.62, 'LIKELY'],
    [0.89, 'LIKELY'],
    [0.9, 'OBSERVED'],
    [0.94, 'OBSERVED'],
    [Number.NaN, 'UNKNOWN'],
  ] as const)('gives certainty %s → %s', (confidence, certainty) => {
    expect(open511Certainty(confidence)).toBe(certainty);
  });

  it('pages with offset and limit, linking next and previous pages', () => {
    const hazards = many(5);
    const first = open511Events(hazards, { ...opts, limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual([
      'dashnet.dev/hz_0000000000000000',
      'dashnet.dev/hz_0000000000000001',
    ]);
    expect(first.pagination.previous_url).toBeUndefined();
    const next = new URL(first.pagination.next_url!);
    expect(next.searchParams.get('offset')).toBe('2');
    expect(next.searchParams.get('bbox')).toBe('-80,40,-79.9,40.5');
    const last = open511Events(hazards, { ...opts, limit: 2, offset: 4 });
    expect(last.events).toHaveLength(1);
    expect(last.pagination.next_url).toBeUndefined();
    expect(new URL(last.pagination.previous_url!).searchParams.get('offset')).toBe('2');
    expect(validateOpen511Events(first)).toEqual([]);
    expect(validateOpen511Events(last)).toEqual([]);
  });

  it('caps the page size at the limit the guidelines allow', () => {
    const doc = open511Events(many(OPEN511_DEFAULT_LIMIT + 1), { ...opts, limit: 10_000 });
    expect(doc.events).toHaveLength(OPEN511_DEFAULT_LIMIT);
    expect(doc.pagination.next_url).toBeDefined();
  });

  it('is empty, and still valid, without hazards', () => {
    const doc = open511Events([], opts);
    expect(doc.events).toEqual([]);
    expect(validateOpen511Events(doc)).toEqual([]);
  });
});

describe('validateOpen511Events', () => {
  const valid = () =>
    open511Events([hazard()], opts) as unknown as { events: Record<string, unknown>[] } & Record<
      string,
      unknown
    >;

  it('rejects a document without meta or events', () => {
    expect(validateOpen511Events({ pagination: { offset: 0 } })).toEqual([
      '/meta: required object missing',
      '/events: required array missing',
    ]);
  });

  it.each([
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
  ])('rejects an event without %s', (field) => {
    const doc = valid();
    delete doc.events[0]![field];
    expect(validateOpen511Events(doc)).toContain(`/events/0/${field}: required`);
  });

  it('rejects values outside the enumerations', () => {
    const doc = valid();
    Object.assign(doc.events[0]!, {
      status: 'OPEN',
      event_type: 'HAZARD',
      event_subtypes: ['POTHOLE'],
      severity: 'HIGH',
      certainty: 'CONFIRMED',
    });
    const problems = validateOpen511Events(doc);
    for (const field of ['status', 'event_type', 'event_subtypes/0', 'severity', 'certainty']) {
      expect(problems.some((p) => p.startsWith(`/events/0/${field}:`))).toBe(true);
    }
  });

  it('rejects ids, links, times and schedules in the wrong format', () => {
    const doc = valid();
    Object.assign(doc.events[0]!, {
      id: 'hz_0123456789abcdef',
      jurisdiction_url: '/v1/feeds/open511/jurisdictions/dashnet.dev',
      created: '2026-05-04 08:10:12',
      timezone: 'Mars/Olympus_Mons',
      schedule: { intervals: ['2026-05-04T08:10:12Z/'] },
    });
    expect(validateOpen511Events(doc)).toEqual(
      expect.arrayContaining([
        '/events/0/id: not an Open511 ID (jurisdiction-id/resource-id)',
        '/events/0/jurisdiction_url: must be an absolute URL',
        '/events/0/created: not a date-time with Z or an offset',
        '/events/0/timezone: not a TZ database time zone name',
        '/events/0/schedule/intervals/0: not "YYYY-MM-DDThh:mm/[YYYY-MM-DDThh:mm]"',
      ]),
    );
  });

  it('rejects a schedule with both forms, or two open intervals', () => {
    const doc = valid();
    doc.events[0]!.schedule = {
      intervals: ['2026-05-04T08:10/'],
      recurring_schedules: [{ start_date: '2026-05-04' }],
    };
    expect(validateOpen511Events(doc)).toContain(
      '/events/0/schedule: needs one (and only one) of recurring_schedules or intervals',
    );
    doc.events[0]!.schedule = { intervals: ['2026-05-04T08:10/', '2026-05-05T08:10/'] };
    expect(validateOpen511Events(doc)).toContain(
      '/events/0/schedule/intervals: more than one interval without an end',
    );
  });

  it('rejects geography that is not GeoJSON in WGS84 [lng, lat]', () => {
    const doc = valid();
    doc.events[0]!.geography = { type: 'Point', coordinates: [40.4443, -179.9436, 1, 2] };
    expect(validateOpen511Events(doc)).toContain(
      '/events/0/geography/coordinates: not valid Point coordinates',
    );
    doc.events[0]!.geography = { type: 'Circle', coordinates: [0, 0] };
    expect(validateOpen511Events(doc).some((p) => p.startsWith('/events/0/geography: not a GeoJSON'))).toBe(
      true,
    );
  });

  it('rejects unknown fields, extra meta links and a previous page at offset 0', () => {
    const doc = valid();
    doc.events[0]!.kind = 'pothole';
    doc.events[0]!['+dashnet_cameras'] = 10;
    doc.meta = { version: 'v1', url: SELF, next_url: `${SELF}&offset=1` };
    doc.pagination = { offset: 0, previous_url: SELF };
    const problems = validateOpen511Events(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/events/0/kind: not an Open511 event field',
        '/meta/next_url: only self, up and top links',
        '/pagination/previous_url: must be omitted at offset 0',
      ]),
    );
    expect(problems.some((p) => p.includes('+dashnet_cameras'))).toBe(false);
  });

  it('checks road rules: a name, and a direction whenever state is given', () => {
    const doc = valid();
    doc.events[0]!.roads = [
      { direction: 'E', state: 'CLOSED', lanes_open: 1 },
      { name: 'Forbes Ave', state: 'CLOSED' },
    ];
    expect(validateOpen511Events(doc)).toEqual(
      expect.arrayContaining([
        '/events/0/roads/0/name: required',
        '/events/0/roads/0/lanes_open: only with state SOME_LANES_CLOSED and a direction other than BOTH',
        '/events/0/roads/1/direction: required when state is given',
      ]),
    );
  });
});
