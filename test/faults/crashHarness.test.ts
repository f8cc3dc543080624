import { describe, expect, it } from 'vitest';
import { formatCrashReport, runCrashHarness } from './crashHarness.ts';

// The CI form of the crash harness: a dozen SIGKILLs of `dashnet serve` at targeted calls
// (mid-PutRecords, between the stream write and the ingest marker, mid-aggregation, mid-rollup,
// mid-deletion) and at random times, then the final state against the fleet's ground truth.
// The full form: `npx tsx test/faults/crashHarness.ts --cycles 300`.
describe('crash at every step', () => {
  it('loses nothing and counts nothing twice across a dozen SIGKILLs and restarts', {
    timeout: 400_000,
  }, async () => {
    const report = await runCrashHarness({
      cycles: 12,
      cameras: 10,
      deletedCameras: 2,
      batchesPerCamera: 2,
      seed: 11,
    });
    const text = formatCrashReport(report);
    expect(report.refused, text).toBe(0);
    expect(report.verdict.mismatches, text).toEqual([]);
    expect(report.verdict.eventsLost).toBe(0);
    expect(report.verdict.doubleCounted).toBe(0);
    // Every check ran on something: buckets, both hazards, closed hours, closed days, deletions.
    expect(report.verdict.checked.buckets).toBeGreaterThan(20);
    expect(report.verdict.checked.hazards).toBe(2);
    expect(report.verdict.checked.baselines).toBeGreaterThan(5);
    expect(report.verdict.checked.insights).toBeGreaterThan(5);
    expect(report.verdict.checked.deletion).toBeGreaterThan(0);
    // Most kills landed at a targeted call, and the stats balance exactly.
    const fired = Object.entries(report.kills)
      .filter(([k]) => k !== 'random timing')
      .reduce((n, [, v]) => n + v.fired, 0);
    expect(fired, text).toBeGreaterThan(3);
    expect(report.stats.accepted).toBe(report.events);
    expect(Number(report.stats.processed) + Number(report.stats.failedToDestination)).toBe(
      report.stats.accepted,
    );
  });
});
