import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { TrainingSampleEvent } from '../contract/events.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { InMemoryTrainingSampleRepository } from './trainingSampleRepository.ts';
import { gatherTrainingSet, storeTrainingRecords, trainingSamplesOf } from './trainingSet.ts';

const CELL_A = latLngToCell(52.52, 13.405, 7);
const CELL_B = latLngToCell(48.137, 11.575, 7);
let nextId = 0;

function sample(over: Partial<TrainingSampleEvent> = {}): TrainingSampleEvent {
  nextId++;
  return {
    id: `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`,
    type: 'training_sample',
    ts: '2026-05-01T14:00:00.000Z',
    lat: 52.52,
    lng: 13.405,
    cell: CELL_A,
    trigger: 'random',
    label: 0,
    features: Array.from({ length: 18 }, () => 10),
    score: 0.1,
    modelVersion: 'badas-anticipation-1.1.0',
    keptShare: 0.002,
    ...over,
  };
}

function record(pseudonym: string, events: TrainingSampleEvent[]): StreamRecord {
  return { v: 1, pseudonym: pseudonym.padEnd(16, '0'), batchKey: `batch-${pseudonym}`, events };
}

/** One record per camera, each with one sample in `cell` on `day`. */
function cameras(n: number, cell = CELL_A, ts = '2026-05-01T14:00:00.000Z'): StreamRecord[] {
  return Array.from({ length: n }, (_, i) => record(`cam${i}-${ts.slice(0, 10)}`, [sample({ cell, ts })]));
}

async function gather(records: StreamRecord[], k?: number) {
  const repo = new InMemoryTrainingSampleRepository();
  const stored = await storeTrainingRecords(records, repo);
  return { stored, set: gatherTrainingSet(await repo.list(), { featureCount: 18, ...(k ? { k } : {}) }) };
}

describe('gatherTrainingSet', () => {
  it('uses nothing from a cell and day with four cameras', async () => {
    const { set } = await gather(cameras(4));
    expect(set.samples).toEqual([]);
    expect(set.withheldSamples).toBe(4);
    expect(set.groups).toEqual([
      { cell: CELL_A, day: '2026-05-01', cameras: 4, samples: 4, admitted: false },
    ]);
  });

  it('uses every sample of a cell and day with five cameras', async () => {
    const { set } = await gather(cameras(5));
    expect(set.samples).toHaveLength(5);
    expect(set.samples[0]!.features[0]).toBeCloseTo(0.1, 6);
  });

  it('counts cameras per cell and per day, never pooled across them', async () => {
    const records = [
      ...cameras(3, CELL_A),
      ...cameras(3, CELL_B),
      ...cameras(3, CELL_A, '2026-05-02T09:00:00.000Z'),
    ];
    const { set } = await gather(records);
    expect(set.samples).toEqual([]);
    expect(set.groups.map((g) => g.cameras)).toEqual([3, 3, 3]);
  });

  it('counts one camera once however many samples it sent', async () => {
    const many = record(
      'busy-camera',
      Array.from({ length: 20 }, () => sample()),
    );
    const { set } = await gather([many, ...cameras(3)]);
    expect(set.groups[0]!.cameras).toBe(4);
    expect(set.samples).toEqual([]);
  });

  it('stores and counts a retried record once', async () => {
    const records = cameras(5);
    const { stored, set } = await gather([...records, records[0]!, records[1]!, records[0]!]);
    expect(stored).toEqual({ stored: 5, duplicates: 3 });
    expect(set.samples).toHaveLength(5);
  });

  it('counts a sample repeated in its input once, even without a store', () => {
    const records = cameras(5);
    const items = [...records, records[2]!].flatMap(trainingSamplesOf);
    const set = gatherTrainingSet(items, { featureCount: 18 });
    expect(set.duplicates).toBe(1);
    expect(set.samples).toHaveLength(5);
  });

  it('drops samples of another model shape or a finer cell', async () => {
    const fine = latLngToCell(52.52, 13.405, 10);
    const records = [
      ...cameras(5),
      record('odd-one', [sample({ features: [1, 2, 3] }), sample({ cell: fine })]),
    ];
    const { set } = await gather(records);
    expect(set.malformed).toBe(2);
    expect(set.samples).toHaveLength(5);
  });

  it('ignores other event types in a record', () => {
    const r = record('mixed', [sample()]);
    const withBrake = {
      ...r,
      events: [
        ...r.events,
        {
          id: '00000000-0000-4000-8000-ffffffffffff',
          type: 'hard_brake' as const,
          ts: r.events[0]!.ts,
          lat: 1,
          lng: 1,
          decelMps2: 5,
        },
      ],
    };
    expect(trainingSamplesOf(withBrake)).toHaveLength(1);
  });
});
