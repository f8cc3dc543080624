import { describe, expect, it } from 'vitest';
import { validateCifsFeed } from '../../test/validators/validateCifsFeed.ts';
import { validateOpen511Events } from '../../test/validators/validateOpen511Events.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import { open511Events } from './open511.ts';
import { wazeCifsFeed } from './wazeCifs.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const BASE = 'https://api.example.org';

const nearMissHazard: HazardRecord = {
  id: 'hz_nearmiss00000001',
  kind: 'near_miss',
  signal: 'near_miss',
  cell: '8a2a8c2d4b47fff',
  sector: 2,
  lat: 40.4443,
  lng: -79.9436,
  firstSeenMs: NOW - 40 * 60_000,
  lastSeenMs: NOW - 5 * 60_000,
  cameras: 4,
  confidence: 0.75,
};

describe('near-miss hazards in the feeds', () => {
  it('are a valid CIFS on-road hazard that says what the cameras saw', () => {
    const feed = wazeCifsFeed([nearMissHazard], { nowMs: NOW, baseUrl: BASE });
    expect(validateCifsFeed(feed)).toEqual([]);
    expect(feed.incidents[0]).toMatchObject({ type: 'HAZARD', subtype: 'HAZARD_ON_ROAD' });
    expect(feed.incidents[0]!.description).toContain('4 dash cameras came close to a collision here');
  });

  it('are a valid Open511 incident (hazard, minor)', () => {
    const doc = open511Events([nearMissHazard], {
      nowMs: NOW,
      baseUrl: BASE,
      selfUrl: `${BASE}/v1/feeds/open511/events`,
    });
    expect(validateOpen511Events(doc)).toEqual([]);
    expect(doc.events[0]).toMatchObject({
      event_type: 'INCIDENT',
      event_subtypes: ['HAZARD'],
      severity: 'MINOR',
      headline: 'Frequent near misses',
    });
  });
});
