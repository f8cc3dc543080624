import { getResolution } from 'h3-js';
import type { TrainingSampleEvent } from '../contract/events.ts';
import { TRAINING_CELL_RESOLUTION } from '../contract/trainingSample.ts';
import { DEFAULT_K } from '../insights/kAnonymity.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';
import { mapLimit } from '../util/mapLimit.ts';
import { dequantiseFeatures } from './trainingFeatures.ts';
import type { StoredTrainingSample, TrainingSampleRepository } from './trainingSampleRepository.ts';

/** A sample the next training round may use: the window, its label, and how it was kept. */
export interface NetworkSample {
  features: Float32Array;
  label: 0 | 1;
  trigger: TrainingSampleEvent['trigger'];
  keptShare: number;
  modelVersion: string;
}

/** One (cell, UTC day) group of uploaded samples and whether it reached k cameras. */
export interface TrainingGroup {
  cell: string;
  day: string;
  /** Distinct day pseudonyms that contributed. */
  cameras: number;
  samples: number;
  admitted: boolean;
}

/** What {@link gatherTrainingSet} admitted, and what it held back. */
export interface GatheredTrainingSet {
  samples: NetworkSample[];
  groups: TrainingGroup[];
  /** Samples in groups below k cameras: never used. */
  withheldSamples: number;
  /** Repeated event ids, counted once. */
  duplicates: number;
  /** Samples whose cell is not res 7 or whose feature count is wrong: dropped. */
  malformed: number;
}

/** Options of {@link gatherTrainingSet}. */
export interface GatherOptions {
  /** Distinct cameras a (cell, day) group needs before any of its samples is used (default 5). */
  k?: number;
  /** Length of the model's feature vector; samples of another length (another model) are dropped. */
  featureCount: number;
}

/**
 * The training samples of one stream record, each with the record's day pseudonym. A pure
 * function of the record, so a replayed record yields the same items (and the same ids).
 */
export function trainingSamplesOf(record: StreamRecord): StoredTrainingSample[] {
  const out: StoredTrainingSample[] = [];
  for (const e of record.events)
    if (e.type === 'training_sample') out.push({ pseudonym: record.pseudonym, sample: e });
  return out;
}

/**
 * Stores the training samples of stream records, once per event id however often a record is
 * delivered. Returns how many were new and how many had been stored before.
 */
export async function storeTrainingRecords(
  records: readonly StreamRecord[],
  repository: TrainingSampleRepository,
): Promise<{ stored: number; duplicates: number }> {
  // Conditional puts, 16 at a time rather than one after another: each is settled on its own id.
  const outcomes = await mapLimit(
    records.flatMap((r) => trainingSamplesOf(r)),
    16,
    (item) => repository.putIfAbsent(item),
  );
  const stored = outcomes.filter(Boolean).length;
  return { stored, duplicates: outcomes.length - stored };
}

/**
 * The k-anonymous training set: uploaded samples grouped by (res-7 cell, UTC day); a group
 * contributes only when at least k distinct cameras (day pseudonyms) sent samples there that
 * day. Why per day: pseudonyms change every day and cannot be linked (lib/privacy/pseudonym.ts),
 * so within a day is the only place the network can count distinct cameras — the same rule as
 * the insurers' insights (lib/insights/kAnonymity.ts). Why the rule at all: a sample is a
 * moment of one person's driving (speed, how close they followed, whether they braked late);
 * a group of one or two cameras in a quiet cell on one day could be read back to them by
 * anyone who knows who drives there. Deduplicated by event id: a retried upload counts once.
 *
 * @example gatherTrainingSet(await repository.list(), { featureCount: BADAS_FEATURE_COUNT })
 */
export function gatherTrainingSet(
  stored: readonly StoredTrainingSample[],
  options: GatherOptions,
): GatheredTrainingSet {
  const k = Math.max(1, options.k ?? DEFAULT_K);
  const seen = new Set<string>();
  const groups = new Map<
    string,
    { cell: string; day: string; cameras: Set<string>; items: TrainingSampleEvent[] }
  >();
  let duplicates = 0;
  let malformed = 0;
  for (const { pseudonym, sample } of stored) {
    if (seen.has(sample.id)) {
      duplicates++;
      continue;
    }
    seen.add(sample.id);
    if (
      sample.features.length !== options.featureCount ||
      !isResolution(sample.cell, TRAINING_CELL_RESOLUTION)
    ) {
      malformed++;
      continue;
    }
    const day = sample.ts.slice(0, 10);
    const key = `${sample.cell}#${day}`;
    let g = groups.get(key);
    if (!g) {
      g = { cell: sample.cell, day, cameras: new Set(), items: [] };
      groups.set(key, g);
    }
    g.cameras.add(pseudonym);
    g.items.push(sample);
  }
  const samples: NetworkSample[] = [];
  const out: TrainingGroup[] = [];
  let withheldSamples = 0;
  for (const g of groups.values()) {
    const admitted = g.cameras.size >= k;
    out.push({ cell: g.cell, day: g.day, cameras: g.cameras.size, samples: g.items.length, admitted });
    if (!admitted) {
      withheldSamples += g.items.length;
      continue;
    }
    for (const s of g.items)
      samples.push({
        features: dequantiseFeatures(s.features),
        label: s.label,
        trigger: s.trigger,
        keptShare: s.keptShare,
        modelVersion: s.modelVersion,
      });
  }
  return { samples, groups: out, withheldSamples, duplicates, malformed };
}

function isResolution(cell: string, resolution: number): boolean {
  try {
    return getResolution(cell) === resolution;
  } catch {
    return false;
  }
}
