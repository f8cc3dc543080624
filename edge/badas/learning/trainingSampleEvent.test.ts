import fc from 'fast-check';
import { getResolution } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { trainingSampleSchema } from '../../../lib/contract/events.ts';
import { validateBatch } from '../../../lib/ingest/validateBatch.ts';
import { createSeededRandom } from '../../core/random.ts';
import { insideAnyZone, type PrivacyZone } from '../../privacy/privacyZones.ts';
import type { LabelledWindow } from './trainingSampleCollector.ts';
import { toTrainingSampleEvent } from './trainingSampleEvent.ts';

const window: LabelledWindow = {
  tS: 1000,
  trigger: 'alert',
  label: 1,
  features: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1),
  score: 0.8712345,
  keptShare: 1,
};
const at = { lat: 52.520_123, lng: 13.404_987, tMs: Date.parse('2026-05-01T14:37:12.345Z') };
const home: PrivacyZone = { lat: 52.5202, lng: 13.405, radiusM: 300 };
const ctx = {
  zones: [] as PrivacyZone[],
  sharing: true,
  random: createSeededRandom('t'),
  modelVersion: 'badas-anticipation-1.1.0',
};

describe('toTrainingSampleEvent', () => {
  it('builds a valid training_sample with the res-7 cell, its centre and the hour, nothing finer', () => {
    const e = toTrainingSampleEvent(window, at, ctx)!;
    expect(trainingSampleSchema.safeParse(e).error).toBeUndefined();
    expect(getResolution(e.cell)).toBe(7);
    expect(e.ts).toBe('2026-05-01T14:00:00.000Z');
    // The position is the cell's centre, kilometres from the exact place in general, never the place.
    expect(e.lat).not.toBe(at.lat);
    expect(e.lng).not.toBe(at.lng);
    expect(e.features).toEqual(Array.from(window.features, (v) => Math.round(v * 100)));
  });

  it('passes the ingest validation like any contract event (a compatible extension)', () => {
    const e = toTrainingSampleEvent(window, at, ctx)!;
    const v = validateBatch([e, { ...e, features: [1.5] }], at.tMs + 60_000);
    expect(v.valid).toEqual([e]);
    expect(v.rejected.map((r) => r.index)).toEqual([1]);
  });

  it('carries no identifier beyond a fresh random event id', () => {
    const a = toTrainingSampleEvent(window, at, ctx)!;
    const b = toTrainingSampleEvent(window, at, ctx)!;
    expect(Object.keys(a).sort()).toEqual(
      [
        'cell',
        'features',
        'id',
        'keptShare',
        'label',
        'lat',
        'lng',
        'modelVersion',
        'score',
        'trigger',
        'ts',
        'type',
      ].sort(),
    );
    expect(a.id).not.toBe(b.id);
    expect({ ...a, id: '' }).toEqual({ ...b, id: '' });
  });

  it('drops a window that ended inside a privacy zone', () => {
    expect(toTrainingSampleEvent(window, at, { ...ctx, zones: [home] })).toBeUndefined();
  });

  it('drops every window when network sharing is off', () => {
    expect(toTrainingSampleEvent(window, at, { ...ctx, sharing: false })).toBeUndefined();
  });

  it('never emits a window that ended inside any zone (property)', () => {
    const zone = fc.record({
      lat: fc.double({ min: 52.4, max: 52.6, noNaN: true }),
      lng: fc.double({ min: 13.2, max: 13.6, noNaN: true }),
      radiusM: fc.double({ min: 250, max: 400, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(zone, { maxLength: 3 }),
        fc.double({ min: 52.4, max: 52.6, noNaN: true }),
        fc.double({ min: 13.2, max: 13.6, noNaN: true }),
        (zones, lat, lng) => {
          const e = toTrainingSampleEvent(window, { lat, lng, tMs: at.tMs }, { ...ctx, zones });
          return e === undefined ? insideAnyZone(zones, lat, lng) : !insideAnyZone(zones, lat, lng);
        },
      ),
      { numRuns: 300 },
    );
  });
});
