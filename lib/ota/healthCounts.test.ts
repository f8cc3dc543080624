import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contract/events.ts';
import {
  batchStrata,
  HEALTH_CELL_RESOLUTION,
  healthIncrements,
  stratumHour,
  stratumKey,
} from './healthCounts.ts';
import type { ArtefactLine } from './registry.ts';

const t0 = Date.parse('2026-03-02T08:10:00Z');
const at = (i: number) => new Date(t0 + i * 20_000).toISOString();
const point = (i: number, type: 'badas_alert' | 'near_miss' | 'hard_brake'): TelemetryEvent =>
  ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ts: at(i),
    lat: 40.45,
    lng: -79.98,
    type,
    ...(type === 'badas_alert' ? { score: 0.9, modelVersion: '1.0.0' } : {}),
    ...(type === 'near_miss' ? { ttcS: 1, badasScore: 0.8 } : {}),
    ...(type === 'hard_brake' ? { decelMps2: 5 } : {}),
  }) as TelemetryEvent;

describe('health strata of a batch', () => {
  it('counts alerts, near misses and trip camera-minutes in the res-7 cell and hour where they happened', () => {
    const cell = latLngToCell(40.45, -79.98, 10);
    // Path entries at 0, 20, 40 s (one minute) and 120 s (the third minute).
    const trip = {
      id: '00000000-0000-4000-8000-000000000099',
      ts: at(0),
      lat: 40.45,
      lng: -79.98,
      type: 'trip',
      tripId: '00000000-0000-4000-8000-000000000098',
      seq: 0,
      final: true,
      distanceM: 500,
      path: [0, 1, 2, 6].map((i) => ({ cell, ts: at(i), speedMps: 10, heading: 90 })),
    } as TelemetryEvent;
    const events = [
      trip,
      point(0, 'badas_alert'),
      point(1, 'badas_alert'),
      point(2, 'near_miss'),
      point(6, 'hard_brake'),
    ];
    const strata = batchStrata(events, 2);
    const key = stratumKey(Math.floor(t0 / 3_600_000), latLngToCell(40.45, -79.98, HEALTH_CELL_RESOLUTION));
    expect([...strata.keys()]).toEqual([key]);
    expect(strata.get(key)).toEqual({ exposureMin: 2, alerts: 2, nearMisses: 1, errors: 2 });
    expect(stratumHour(key)).toBe(Math.floor(t0 / 3_600_000));
  });

  it('takes no exposure from the alerts themselves', () => {
    const strata = batchStrata([point(0, 'badas_alert')], 3);
    // No trip: no exposure, and errors have no stratum to go to.
    expect([...strata.values()]).toEqual([{ exposureMin: 0, alerts: 1, nearMisses: 0, errors: 0 }]);
  });

  it('counts only the candidate and current versions of lines under rollout', () => {
    const strata = batchStrata([point(0, 'badas_alert')]);
    const line: ArtefactLine = {
      kind: 'model',
      name: 'badas',
      current: '1.0.0',
      candidate: '1.1.0',
      stage: 0,
      rolledBack: [],
      latest: '1.1.0',
      revision: 3,
      history: [],
    };
    const reported = [
      { kind: 'model', name: 'badas', version: '1.1.0' },
      { kind: 'isp_profile', name: 'isp-a', version: '2.0.0' },
    ] as const;
    expect(healthIncrements(reported, [line], strata).map((i) => i.version)).toEqual(['1.1.0']);
    expect(healthIncrements([{ kind: 'model', name: 'badas', version: '0.9.0' }], [line], strata)).toEqual(
      [],
    );
    const { candidate: _c, ...done } = line;
    expect(healthIncrements(reported, [done], strata)).toEqual([]);
  });
});
