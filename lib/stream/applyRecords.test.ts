import { describe, expect, it } from 'vitest';
import { batch, hardBrake, offset, tripThrough } from '../../test/factories.ts';
import type { TelemetryEvent } from '../contract/events.ts';
import type { BucketDelta } from '../hazards/bucketing.ts';
import { DEFAULT_DETECTOR_CONFIG } from '../hazards/detector.ts';
import type { HazardRecord } from '../hazards/hazardRecord.ts';
import { ruleFromConfig } from '../hazards/hazardRule.ts';
import type { BucketEntry } from '../hazards/slidingWindow.ts';
import { type AggregatorRepositories, applyRecords } from './applyRecords.ts';
import type { StreamRecord } from './streamRecord.ts';

/** In-memory repositories: buckets as sets, hazards by id, no learned baselines. */
function memoryRepositories() {
  const buckets = new Map<string, { delta: Omit<BucketEntry, 'pseudonyms'>; cams: Set<string> }>();
  const hazards = new Map<string, HazardRecord>();
  let writes = 0;
  const repos: AggregatorRepositories = {
    detector: { ...DEFAULT_DETECTOR_CONFIG, rule: ruleFromConfig('count', 10) },
    buckets: {
      partitionOf: () => 'p',
      write: async (deltas: readonly BucketDelta[]) => {
        for (const d of deltas) {
          writes++;
          const key = `${d.minute}#${d.kind}#${d.cell}#${d.sector}`;
          const b = buckets.get(key) ?? { delta: d, cams: new Set<string>() };
          for (const p of d.pseudonyms) b.cams.add(p);
          buckets.set(key, b);
        }
        return [];
      },
      readPartitions: async (_partitions, from, to) =>
        [...buckets.values()]
          .filter((b) => b.delta.minute >= from && b.delta.minute <= to)
          .map((b) => ({
            kind: b.delta.kind,
            cell: b.delta.cell,
            minute: b.delta.minute,
            sector: b.delta.sector,
            pseudonyms: [...b.cams],
          })),
    },
    hazards: {
      areaOf: () => 'a',
      listActive: async () => [...hazards.values()].filter((h) => h.clearedAtMs === undefined),
      create: async (h) => {
        if (hazards.has(h.id)) return false;
        hazards.set(h.id, h);
        return true;
      },
      update: async (h) => {
        hazards.set(h.id, h);
      },
    },
    baselines: { read: async () => new Map(), markDirty: async (marks) => [...marks].length },
  };
  return { repos, hazards, writes: () => writes };
}

const NOW = Date.parse('2026-03-02T12:00:00Z');
const site = { lat: 40.4443, lng: -79.9436 };

/** One stream record per camera, each braking once near the site within the last 10 minutes. */
function brakingCameras(n: number): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    v: 1 as const,
    pseudonym: `pseudonym-${String(i).padStart(4, '0')}`,
    batchKey: `batch-${i}`,
    events: batch([
      hardBrake({
        ...offset(site.lat, site.lng, i * 3, 0),
        heading: 90,
        ts: new Date(NOW - 10 * 60_000 + i * 30_000).toISOString(),
      }),
    ]).events as TelemetryEvent[],
  }));
}

describe('applyRecords', () => {
  it('raises a hazard when ten cameras brake within 20 minutes', async () => {
    const { repos, hazards } = memoryRepositories();
    const report = await applyRecords(repos, brakingCameras(10), NOW);
    expect(report.hazardsCreated).toHaveLength(1);
    expect([...hazards.values()][0]?.cameras).toBe(10);
  });

  it('raises none for nine cameras', async () => {
    const { repos } = memoryRepositories();
    const report = await applyRecords(repos, brakingCameras(9), NOW);
    expect(report.hazardsCreated).toEqual([]);
  });

  it('keeps effects exactly-once when the same records are applied again (a retried batch)', async () => {
    const { repos, hazards } = memoryRepositories();
    const records = brakingCameras(10);
    await applyRecords(repos, records, NOW);
    const again = await applyRecords(repos, records, NOW);
    expect(again.hazardsCreated).toEqual([]);
    expect(hazards.size).toBe(1);
    expect([...hazards.values()][0]?.cameras).toBe(10);
  });

  it('writes one bucket per signal, cell, minute and sector however many records share it', async () => {
    const { repos, writes } = memoryRepositories();
    const one = brakingCameras(1)[0]!;
    const copies = Array.from({ length: 5 }, (_, i) => ({ ...one, pseudonym: `p${i}` }));
    const report = await applyRecords(repos, copies, NOW);
    expect(report.bucketWrites).toBe(1);
    expect(writes()).toBe(1 + report.passWrites);
  });

  it('writes the passes around its own evidence in the same call as the evidence', async () => {
    const { repos } = memoryRepositories();
    const calls = recordWriteCalls(repos);
    await applyRecords(repos, [...brakingCameras(3), passingCamera('passer-1', NOW - 5 * 60_000)], NOW);
    expect(calls).toHaveLength(1);
    expect(new Set(calls[0]!.map((d) => d.kind))).toEqual(new Set(['brake', 'pass']));
  });

  it('writes no exposure the store already holds when a batch of passes is replayed', async () => {
    const { repos } = memoryRepositories();
    await applyRecords(repos, brakingCameras(3), NOW);
    const calls = recordWriteCalls(repos);
    const passers = [
      passingCamera('passer-1', NOW - 4 * 60_000),
      passingCamera('passer-2', NOW - 3 * 60_000),
    ];
    const first = await applyRecords(repos, passers, NOW);
    expect(first.passWrites).toBe(2);
    expect(calls).toHaveLength(1);
    const replay = await applyRecords(repos, passers, NOW);
    expect(replay.passWrites).toBe(0);
    expect(calls).toHaveLength(1);
  });
});

/** Records each call of the bucket repository's write, with its deltas. */
function recordWriteCalls(repos: AggregatorRepositories): BucketDelta[][] {
  const calls: BucketDelta[][] = [];
  const write = repos.buckets.write.bind(repos.buckets);
  repos.buckets.write = async (deltas) => {
    calls.push([...deltas]);
    return write(deltas);
  };
  return calls;
}

/** A camera whose trip passes the braking site heading east, at `atMs`. */
function passingCamera(pseudonym: string, atMs: number): StreamRecord {
  const ts = new Date(atMs).toISOString();
  return {
    v: 1 as const,
    pseudonym,
    batchKey: `batch-${pseudonym}`,
    events: batch([tripThrough([{ ...site, ts, heading: 90 }])]).events as TelemetryEvent[],
  };
}
