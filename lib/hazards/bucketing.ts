import type { StreamRecord } from '../stream/streamRecord.ts';
import type { EpochMinute } from '../time/epochMinute.ts';
import type { HeadingSector } from './headingSector.ts';
import { type BucketKind, exposuresOf, type Signal, signalOf } from './signals.ts';

/** A bucket: the cameras that gave one signal (or passed) in one cell, sector and minute. */
export interface BucketKey {
  kind: BucketKind;
  cell: string;
  sector: HeadingSector;
  minute: EpochMinute;
}

export interface BucketDelta extends BucketKey {
  /** Distinct camera pseudonyms: a camera braking ten times in the bucket is one. */
  pseudonyms: Set<string>;
  /** Latest event time in the bucket, ms. */
  lastTsMs: number;
}

/** Stable string id of a bucket, the same one the store derives its keys from. */
export function bucketId(k: BucketKey): string {
  return `${k.kind}#${k.cell}#${k.minute}#${String(k.sector)}`;
}

function aggregate(
  records: readonly StreamRecord[],
  extract: (e: StreamRecord['events'][number]) => Signal[],
) {
  const deltas = new Map<string, BucketDelta>();
  for (const record of records) {
    for (const event of record.events) {
      for (const signal of extract(event)) {
        const id = bucketId(signal);
        const delta = deltas.get(id);
        if (delta) {
          delta.pseudonyms.add(record.pseudonym);
          delta.lastTsMs = Math.max(delta.lastTsMs, signal.tsMs);
        } else {
          deltas.set(id, {
            kind: signal.kind,
            cell: signal.cell,
            sector: signal.sector,
            minute: signal.minute,
            pseudonyms: new Set([record.pseudonym]),
            lastTsMs: signal.tsMs,
          });
        }
      }
    }
  }
  return deltas;
}

/**
 * Aggregates a batch's hazard signals (brakes, potholes, debris) into bucket deltas before
 * anything is written: a busy cell costs one write per batch, not one per event. Idempotent in
 * effect, because the store adds pseudonyms to a set.
 */
export function aggregateSignals(records: readonly StreamRecord[]): Map<string, BucketDelta> {
  return aggregate(records, (e) => {
    const s = signalOf(e);
    return s ? [s] : [];
  });
}

/** Aggregates a batch's exposure (trip path cells) into `pass` bucket deltas. */
export function aggregateExposure(records: readonly StreamRecord[]): Map<string, BucketDelta> {
  return aggregate(records, exposuresOf);
}
