import { describe, expect, it } from 'vitest';
import { validateCifsFeed } from '../../test/validators/validateCifsFeed.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import { CIFS_POLYLINE_LENGTH_M, cifsDateTime, UNKNOWN_STREET, wazeCifsFeed } from './wazeCifs.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const BASE = 'https://api.example.org';

function hazard(over: Partial<HazardRecord> = {}): HazardRecord {
  return {
    id: 'hz_0123456789abcdef',
    kind: 'debris',
    signal: 'debris',
    cell: '8a2a8c2d4b47fff',
    sector: 2,
    lat: 40.4443,
    lng: -79.9436,
    firstSeenMs: NOW - 20 * 60_000,
    lastSeenMs: NOW - 5 * 60_000,
    cameras: 12,
    confidence: 0.67,
    ...over,
  };
}

function points(polyline: string): [number, number][] {
  const n = polyline.split(' ').map(Number);
  const out: [number, number][] = [];
  for (let i = 0; i < n.length; i += 2) out.push([n[i]!, n[i + 1]!]);
  return out;
}

describe('wazeCifsFeed', () => {
  it('produces a feed that passes the CIFS validator for every kind and direction', () => {
    const feed = wazeCifsFeed(
      [
        hazard(),
        hazard({ id: 'hz_pothole000000001', kind: 'pothole', signal: 'pothole', sector: 'x' }),
        hazard({ id: 'hz_slowdown00000001', kind: 'slowdown_or_obstruction', signal: 'brake', sector: 7 }),
      ],
      { nowMs: NOW, baseUrl: BASE },
    );
    expect(validateCifsFeed(feed)).toEqual([]);
    expect(feed.incidents).toHaveLength(3);
  });

  it('maps kinds to the HAZARD type and the matching subtype', () => {
    const subtype = (kind: HazardRecord['kind']) =>
      wazeCifsFeed([hazard({ kind })], { nowMs: NOW, baseUrl: BASE }).incidents[0]!;
    expect(subtype('debris')).toMatchObject({ type: 'HAZARD', subtype: 'HAZARD_ON_ROAD_OBJECT' });
    expect(subtype('pothole')).toMatchObject({ type: 'HAZARD', subtype: 'HAZARD_ON_ROAD_POT_HOLE' });
    expect(subtype('slowdown_or_obstruction')).toMatchObject({ type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' });
  });

  it('draws a one-direction polyline along the heading, centred on the hazard', () => {
    const inc = wazeCifsFeed([hazard({ sector: 2 })], { nowMs: NOW, baseUrl: BASE }).incidents[0]!;
    const [a, b] = points(inc.polyline) as [[number, number], [number, number]];
    expect(inc.direction).toBe('ONE_DIRECTION');
    // Heading east: same latitude, longitude increasing in the order of travel.
    expect(a[0]).toBeCloseTo(40.4443, 6);
    expect(b[1]).toBeGreaterThan(a[1]);
    expect((a[1] + b[1]) / 2).toBeCloseTo(-79.9436, 6);
    const metres = (b[1] - a[1]) * 111_320 * Math.cos((40.4443 * Math.PI) / 180);
    expect(metres).toBeCloseTo(CIFS_POLYLINE_LENGTH_M, 0);
  });

  it('marks a hazard without heading as affecting both directions', () => {
    const inc = wazeCifsFeed([hazard({ sector: 'x' })], { nowMs: NOW, baseUrl: BASE }).incidents[0]!;
    expect(inc.direction).toBe('BOTH_DIRECTIONS');
    expect(points(inc.polyline)).toHaveLength(2);
  });

  it('writes times with an explicit offset and ends at the expected clearing', () => {
    const inc = wazeCifsFeed([hazard()], { nowMs: NOW, baseUrl: BASE }).incidents[0]!;
    expect(inc.starttime).toBe('2026-05-04T08:10:00+00:00');
    expect(inc.updatetime).toBe('2026-05-04T08:25:00+00:00');
    // Debris goes stale three hours after its last evidence.
    expect(inc.endtime).toBe('2026-05-04T11:25:00+00:00');
    expect(cifsDateTime(Date.parse('2026-05-04T08:10:00.999Z'))).toBe('2026-05-04T08:10:00+00:00');
  });

  it('names the source and uses a known street when one is given', () => {
    const feed = wazeCifsFeed([hazard(), hazard({ id: 'hz_other0000000001' })], {
      nowMs: NOW,
      baseUrl: BASE,
      streetOf: (h) => (h.id === 'hz_other0000000001' ? 'Forbes Ave' : undefined),
    });
    expect(feed.incidents.map((i) => i.street).sort()).toEqual(['Forbes Ave', UNKNOWN_STREET]);
    expect(feed.incidents[0]!.source).toEqual({
      reference: 'dashnet',
      name: 'dashnet dash-cam network',
      url: BASE,
    });
  });

  it('is empty, and still valid, without hazards', () => {
    const feed = wazeCifsFeed([], { nowMs: NOW, baseUrl: BASE });
    expect(feed).toEqual({ incidents: [] });
    expect(validateCifsFeed(feed)).toEqual([]);
  });
});

describe('validateCifsFeed', () => {
  const valid = () => wazeCifsFeed([hazard()], { nowMs: NOW, baseUrl: BASE });

  it('rejects a document without incidents', () => {
    expect(validateCifsFeed({ alerts: [] })).toEqual([
      '/alerts: not a CIFS element',
      '/incidents: required array missing',
    ]);
  });

  it.each([
    ['id', '/incidents/0/id: required'],
    ['type', '/incidents/0/type: required'],
    ['polyline', '/incidents/0/polyline: required'],
    ['street', '/incidents/0/street: required'],
    ['description', '/incidents/0/description: required'],
    ['starttime', '/incidents/0/starttime: required'],
  ] as const)('rejects an incident without %s', (field, problem) => {
    const feed = valid();
    delete (feed.incidents[0] as unknown as Record<string, unknown>)[field];
    expect(validateCifsFeed(feed)).toContain(problem);
  });

  it('rejects values outside the enumerations', () => {
    const feed = valid() as unknown as { incidents: Record<string, unknown>[] };
    feed.incidents[0]!.type = 'POTHOLE';
    feed.incidents[0]!.subtype = 'HAZARD_ON_ROAD_DEBRIS';
    feed.incidents[0]!.direction = 'NORTH';
    const problems = validateCifsFeed(feed);
    expect(problems.some((p) => p.startsWith('/incidents/0/type:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('/incidents/0/subtype:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('/incidents/0/direction:'))).toBe(true);
  });

  it('rejects a subtype of another type', () => {
    const feed = valid() as unknown as { incidents: Record<string, unknown>[] };
    feed.incidents[0]!.subtype = 'ACCIDENT_MAJOR';
    expect(validateCifsFeed(feed)).toContain(
      '/incidents/0/subtype: ACCIDENT_MAJOR does not belong to type HAZARD',
    );
  });

  it.each([
    ['a single point', '40.444300 -79.943600'],
    ['lon before lat with too few decimals', '-79.9436 40.4443 -79.9437 40.4443'],
    ['an odd count', '40.444300 -79.943600 40.444400'],
    ['commas', '40.444300,-79.943600 40.444400,-79.943600'],
    ['a point off the globe', '40.444300 -79.943600 95.000000 -79.943600'],
  ])('rejects a polyline with %s', (_, polyline) => {
    const feed = valid();
    feed.incidents[0]!.polyline = polyline;
    expect(validateCifsFeed(feed).some((p) => p.startsWith('/incidents/0/polyline:'))).toBe(true);
  });

  it('rejects times without a time zone and an end before the start', () => {
    const feed = valid();
    feed.incidents[0]!.starttime = '2026-05-04T08:10:00';
    feed.incidents[0]!.creationtime = '2026-05-04T08:10:00Z';
    feed.incidents[0]!.endtime = '2026-05-04T07:00:00+00:00';
    const problems = validateCifsFeed(feed);
    expect(problems).toContain('/incidents/0/starttime: not an ISO 8601 date-time with a time zone offset');
    expect(problems).not.toContain(
      '/incidents/0/creationtime: not an ISO 8601 date-time with a time zone offset',
    );
    expect(
      validateCifsFeed({ incidents: [{ ...valid().incidents[0], endtime: '2026-05-04T07:00:00+00:00' }] }),
    ).toContain('/incidents/0/endtime: before starttime');
  });

  it('rejects short ids and streets, duplicate ids, unknown fields and a source without reference', () => {
    const inc = valid().incidents[0]!;
    const problems = validateCifsFeed({
      incidents: [{ ...inc, id: 'ab', street: 'X', source: { name: 'dashnet' }, severity: 'HIGH' }, inc, inc],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '/incidents/0/id: shorter than 3 characters',
        '/incidents/0/street: shorter than 2 characters',
        '/incidents/0/source/reference: required',
        '/incidents/0/severity: not a CIFS element',
        '/incidents/2/id: not unique in the feed',
      ]),
    );
  });
});
