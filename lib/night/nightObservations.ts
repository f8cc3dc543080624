import { latLngToCell } from 'h3-js';
import { PATH_CELL_RESOLUTION } from '../geo/pathCellResolution.ts';
import { utcDay } from '../privacy/pseudonym.ts';
import type { StreamRecord } from '../stream/streamRecord.ts';

/** One `night_scene` report as the cloud keeps it: the event's figures, its road cell, its camera of the day. */
export interface NightObservation {
  /** The event's id: the key that makes storing it exactly-once (a replay overwrites). */
  eventId: string;
  /** The camera's pseudonym of that UTC day (distinct cameras are countable within a day only). */
  pseudonym: string;
  /** UTC day of the event, `YYYY-MM-DD`. */
  day: string;
  /** H3 res-10 cell of the event (the insights' road cell). */
  cell: string;
  cameraModel: string;
  firmware: string;
  meanLuma: number;
  noiseSigma: number;
  exposureMs: number;
  gain: number;
}

/**
 * The night observations of one stream record: its `night_scene` events, each placed in its
 * res-10 road cell. A pure function of the record, so a replay yields the same observations
 * with the same keys.
 */
export function nightObservationsOf(record: StreamRecord): NightObservation[] {
  const out: NightObservation[] = [];
  for (const e of record.events) {
    if (e.type !== 'night_scene') continue;
    out.push({
      eventId: e.id,
      pseudonym: record.pseudonym,
      day: utcDay(Date.parse(e.ts)),
      cell: latLngToCell(e.lat, e.lng, PATH_CELL_RESOLUTION),
      cameraModel: e.cameraModel,
      firmware: e.firmware,
      meanLuma: e.meanLuma,
      noiseSigma: e.noiseSigma,
      exposureMs: e.exposureMs,
      gain: e.gain,
    });
  }
  return out;
}

/** The (camera model, firmware) group of an observation: profiles are calibrated per group. */
export function nightGroupOf(o: Pick<NightObservation, 'cameraModel' | 'firmware'>): string {
  return `${o.cameraModel}#${o.firmware}`;
}
