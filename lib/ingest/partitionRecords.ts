import { cellToParent, latLngToCell } from 'h3-js';
import type { TelemetryEvent } from '../contract/events.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';

/**
 * H3 resolution of the stream's partition key. A res-5 cell (~250 km²) keeps one area's events
 * on one shard, so the aggregator sees a neighbourhood's braking in order, while a metro area
 * still spreads over several shards.
 */
export const PARTITION_RESOLUTION = 5;

/** Area (H3 res-5) of an event; `trip` events use their first path cell when they have one. */
export function areaOf(event: TelemetryEvent): string {
  if (event.type === 'trip' && event.path.length > 0) {
    return cellToParent(event.path[0]!.cell, PARTITION_RESOLUTION);
  }
  return latLngToCell(event.lat, event.lng, PARTITION_RESOLUTION);
}

export interface PartitionedRecord {
  partitionKey: string;
  record: StreamRecord;
}

/**
 * Groups a batch's valid events by area: one stream record per area, so a batch costs one
 * Kinesis record (not one per event) in the usual case of a camera within one area.
 */
export function partitionRecords(
  events: readonly TelemetryEvent[],
  pseudonym: string,
  batchKey: string,
): PartitionedRecord[] {
  const byArea = new Map<string, TelemetryEvent[]>();
  for (const event of events) {
    const area = areaOf(event);
    const list = byArea.get(area);
    if (list) list.push(event);
    else byArea.set(area, [event]);
  }
  const out: PartitionedRecord[] = [];
  for (const [area, list] of byArea) {
    for (const events of chunkBySize(list, MAX_RECORD_EVENT_BYTES)) {
      out.push({ partitionKey: area, record: { v: 1, pseudonym, batchKey, events } });
    }
  }
  return out;
}

/**
 * A Kinesis record's data may be at most 1 MiB (Kinesis API reference, PutRecords). A batch is
 * at most 1 MiB of JSON too, but the record adds an envelope; splitting at 900 KB of events
 * leaves room for it, and in practice only a camera's post-outage backlog ever splits.
 */
export const MAX_RECORD_EVENT_BYTES = 900 * 1024;

function chunkBySize(events: readonly TelemetryEvent[], maxBytes: number): TelemetryEvent[][] {
  const chunks: TelemetryEvent[][] = [[]];
  let size = 0;
  for (const e of events) {
    const bytes = JSON.stringify(e).length + 1;
    if (size + bytes > maxBytes && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(e);
    size += bytes;
  }
  return chunks;
}
