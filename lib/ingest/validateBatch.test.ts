import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, validateBatch } from './validateBatch.ts';

const NOW = Date.parse('2026-05-04T08:30:00Z');
const ok = (over: Record<string, unknown> = {}) => ({
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  type: 'hard_brake',
  ts: '2026-05-04T08:29:00Z',
  lat: 40.44,
  lng: -79.99,
  decelMps2: 4.2,
  ...over,
});

describe('validateBatch', () => {
  it('keeps the valid events of a mixed batch and names the offending field of the others', () => {
    const r = validateBatch([ok(), ok({ id: '0b0e1c43-47a1-4a77-9d6b-77b3a1f7b0a3', lat: 123 })], NOW);
    expect(r.valid).toHaveLength(1);
    expect(r.rejected).toEqual([{ index: 1, reason: expect.stringContaining('/events/1/lat') }]);
  });

  it('rejects unknown event types', () => {
    const r = validateBatch([ok({ type: 'teleport' })], NOW);
    expect(r.errors[0]!.path).toBe('/events/0/type');
  });

  it('rejects events beyond the clock-skew tolerance in the future', () => {
    const r = validateBatch([ok({ ts: new Date(NOW + MAX_CLOCK_SKEW_MS + 60_000).toISOString() })], NOW);
    expect(r.rejected[0]!.reason).toContain('/events/0/ts');
  });

  it('rejects events older than the retention period', () => {
    const r = validateBatch([ok({ ts: '2026-04-01T00:00:00Z' })], NOW);
    expect(r.rejected[0]!.reason).toContain('retention');
  });

  it('accepts late events within the retention period (an offline camera)', () => {
    expect(validateBatch([ok({ ts: '2026-05-02T08:00:00Z' })], NOW).valid).toHaveLength(1);
  });

  it('counts a repeated event id within a batch as a duplicate, not an event', () => {
    const r = validateBatch([ok(), ok()], NOW);
    expect(r.valid).toHaveLength(1);
    expect(r.duplicateIds).toBe(1);
  });

  it('rejects a negative deceleration', () => {
    expect(validateBatch([ok({ decelMps2: -3 })], NOW).errors[0]!.path).toBe('/events/0/decelMps2');
  });
});
