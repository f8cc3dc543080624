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
  return [...byArea].map(([area, list]) => ({
    partitionKey: area,
    record: { v: 1, pseudonym, batchKey, events: list },
  }));
}
