import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { NightObservation } from '../../lib/night/nightObservations.ts';
import { encodeStreamRecord, type StreamRecord } from '../../lib/stream/streamRecord.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { createInsightsConsumerHandler, type InsightsReport } from './insightsConsumer.ts';

const NOW = Date.parse('2026-01-05T04:00:00Z');

function nightRecord(id: string): StreamRecord {
  return {
    v: 1,
    pseudonym: 'pseudonym-of-the-day-1',
    batchKey: 'batch-key-0001',
    events: [
      {
        id,
        type: 'night_scene',
        ts: '2026-01-05T03:10:00.000Z',
        lat: 40.4406,
        lng: -79.9959,
        meanLuma: 40.5,
        noiseSigma: 6.2,
        exposureMs: 33,
        gain: 16,
        cameraModel: 'budget-10hz',
        firmware: '2.1.0',
      },
    ],
  };
}

function kinesisEvent(records: StreamRecord[]): KinesisStreamEvent {
  return {
    Records: records.map((r, i) => ({
      kinesis: {
        data: Buffer.from(encodeStreamRecord(r)).toString('base64'),
        sequenceNumber: String(i + 1),
        partitionKey: 'p',
        kinesisSchemaVersion: '1.0',
        approximateArrivalTimestamp: NOW / 1000,
      },
    })),
  } as unknown as KinesisStreamEvent;
}

describe('insights consumer: night_scene events', () => {
  it('routes night_scene events to the night store, keyed by event id, and replays overwrite', async () => {
    const stored = new Map<string, NightObservation>();
    const reports: InsightsReport[] = [];
    const deps = {
      clock: () => NOW,
      insights: { putContributions: async (c: readonly unknown[]) => c.length },
    } as unknown as AppDeps;
    const night = {
      putObservations: async (obs: readonly NightObservation[]) => {
        for (const o of obs) stored.set(o.eventId, o);
        return obs.length;
      },
    };
    const handler = createInsightsConsumerHandler(deps, (r) => reports.push(r), night);
    const id = '0b7f6f0e-3d1c-4a53-9f39-2f3c1d9e8a11';
    const event = kinesisEvent([nightRecord(id)]);
    await handler(event, {} as Context);
    await handler(event, {} as Context);
    expect(reports.map((r) => r.nightWritten)).toEqual([1, 1]);
    expect([...stored.keys()]).toEqual([id]);
    expect(stored.get(id)).toMatchObject({ cameraModel: 'budget-10hz', day: '2026-01-05', gain: 16 });
    // A night_scene carries nothing the insurer insights count.
    expect(reports[0]?.contributions).toBe(0);
  });
});
