import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG } from '../../lib/hazards/detector.ts';
import { ruleFromConfig } from '../../lib/hazards/hazardRule.ts';
import { encodeStreamRecord, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import { toLambdaRecord } from '../../local/esmRunner.ts';
import { hardBrake } from '../../test/factories.ts';
import type { CountOnce } from '../adapters/statsStore.ts';
import { type AggregatorDeps, createAggregatorHandler, destinationCounts } from './aggregator.ts';

const NOW = Date.parse('2026-03-02T12:00:00Z');

function fakeDeps() {
  const marked: { partition: string; hour: number }[] = [];
  const counted: CountOnce[] = [];
  const deps = {
    detector: { ...DEFAULT_DETECTOR_CONFIG, rule: ruleFromConfig('count', 10) },
    buckets: { partitionOf: () => 'p', write: async () => [], readPartitions: async () => [] },
    hazards: {
      areaOf: () => 'a',
      listActive: async () => [],
      create: async () => true,
      update: async () => {},
    },
    baselines: {
      read: async () => new Map(),
      markDirty: async (marks: Iterable<{ partition: string; hour: number }>) => {
        marked.push(...marks);
        return marked.length;
      },
    },
    stats: {
      addOnce: async (ops: readonly CountOnce[]) => {
        counted.push(...ops);
      },
      setIteratorAge: async () => {},
    },
    failureSink: { put: async () => {} },
    clock: () => NOW,
  } as unknown as AggregatorDeps;
  return { deps, marked, counted };
}

function event(records: StreamRecord[]) {
  return {
    Records: records.map((r, i) =>
      toLambdaRecord(
        {
          SequenceNumber: String(1000 + i),
          PartitionKey: 'k',
          Data: encodeStreamRecord(r),
          ApproximateArrivalTimestamp: new Date(NOW),
        },
        'shardId-000000000000',
        'arn:aws:kinesis:local:000000000000:stream/s',
      ),
    ),
  };
}

describe('aggregator on a batch of only old evidence', () => {
  it('marks its hours for the baseline rollup and counts each record once', async () => {
    const { deps, marked, counted } = fakeDeps();
    const old = NOW - 5 * 3600_000;
    const record: StreamRecord = {
      v: 1,
      pseudonym: 'pseudonym-0000000001',
      batchKey: 'batch-000001',
      events: [hardBrake({ ts: new Date(old).toISOString() })],
    };
    const handler = createAggregatorHandler(deps);
    // The same record delivered twice (a camera's retried batch written to the stream again).
    await handler(event([record, record]), {} as Context);
    expect(marked).toEqual([{ partition: 'p', hour: Math.floor(old / 3600_000) }]);
    const processed = counted.filter((c) => c.deltas.processed);
    expect(new Set(processed.map((c) => c.id)).size).toBe(1);
  });
});

describe('destinationCounts', () => {
  it('counts a record sent to the failure destination in events, once per shard position', () => {
    const record: StreamRecord = {
      v: 1,
      pseudonym: 'pseudonym-0000000001',
      batchKey: 'batch-000001',
      events: [hardBrake(), hardBrake(), hardBrake()],
    };
    const sent = [
      { id: 'shardId-0:1', data: encodeStreamRecord(record), arrivalMs: NOW },
      { id: 'shardId-0:2', data: new TextEncoder().encode('not json'), arrivalMs: NOW },
    ];
    expect(destinationCounts(sent)).toEqual([
      { id: 'x#shardId-0:1', atMs: NOW, deltas: { failedToDestination: 3 } },
      { id: 'x#shardId-0:2', atMs: NOW, deltas: { failedToDestination: 1 } },
    ]);
  });
});
