import type { StreamRecord } from '../stream/streamRecord.ts';
import type { EpochMinute } from '../time/epochMinute.ts';
import type { HeadingSector } from './headingSector.ts';
import { type SignalKind, signalOf } from './signals.ts';

/** A bucket: the cameras that gave one signal in one cell, sector and minute. */
export interface BucketKey {
  kind: SignalKind;
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

/**
 * Aggregates a batch of stream records into bucket deltas before anything is written: a busy
 * cell costs one write per batch, not one per event. Deterministic, and idempotent in effect
 * because the store adds pseudonyms to a set.
 */
export function aggregateSignals(records: readonly StreamRecord[]): Map<string, BucketDelta> {
  const deltas = new Map<string, BucketDelta>();
  for (const record of records) {
    for (const event of record.events) {
      const signal = signalOf(event);
      if (!signal) continue;
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
  return deltas;
}
