import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { BucketDelta } from '../../lib/hazards/bucketing.ts';
import { DEFAULT_DETECTOR_CONFIG } from '../../lib/hazards/detector.ts';
import { ruleFromConfig } from '../../lib/hazards/hazardRule.ts';
import { encodeStreamRecord, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import { toLambdaRecord } from '../../local/esmRunner.ts';
import { hardBrake, offset, tripThrough } from '../../test/factories.ts';
import { type AggregatorDeps, createAggregatorHandler } from './aggregator.ts';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const site = { lat: 40.4443, lng: -79.9436 };

/** Throttled only on writes that carry a pass: the passes beside a batch's evidence share its write. */
function depsThrottlingPasses(): AggregatorDeps {
  const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
  return {
    detector: { ...DEFAULT_DETECTOR_CONFIG, rule: ruleFromConfig('count', 10) },
    buckets: {
      partitionOf: () => 'p',
      write: async (deltas: readonly BucketDelta[]) =>
        deltas.filter((d) => d.kind === 'pass').map((delta) => ({ delta, error: throttled })),
      readPartitions: async () => [],
    },
    hazards: {
      areaOf: () => 'a',
      listActive: async () => [],
      create: async () => true,
      update: async () => {},
    },
    baselines: { read: async () => new Map(), markDirty: async () => 0 },
    stats: { addOnce: async () => {}, setIteratorAge: async () => {} },
    failureSink: { put: async () => {} },
    clock: () => NOW,
  } as unknown as AggregatorDeps;
}

describe('aggregator on a retryable bucket write failure', () => {
  it('checkpoints before the first record whose pass failed, not before the whole batch', async () => {
    const ts = new Date(NOW - 5 * 60_000).toISOString();
    const records: StreamRecord[] = [
      {
        v: 1,
        pseudonym: 'pseudonym-braker',
        batchKey: 'batch-000001',
        events: [hardBrake({ ...site, ts, heading: 90 })],
      },
      {
        v: 1,
        pseudonym: 'pseudonym-passer',
        batchKey: 'batch-000002',
        events: [tripThrough([{ ...offset(site.lat, site.lng, 0, 10), ts, heading: 90 }])],
      },
    ];
    const event = {
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
    const res = await createAggregatorHandler(depsThrottlingPasses())(event, {} as Context);
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
  });
});
