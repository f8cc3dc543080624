import { cellToBoundary, latLngToCell } from 'h3-js';
import { haversineM, headingDiffDeg } from '../lib/geo/distance.ts';
import { PATH_CELL_RESOLUTION } from '../lib/geo/pathCellResolution.ts';
import { isoOf } from '../lib/time/isoTime.ts';

/** Where in the path an event was seen: on the camera (unredacted) or accepted by the stack. */
export type EvidenceStage = 'device' | 'uploaded';

/** One braking or road-anomaly report a simulated camera made, at one stage. */
export interface EvidenceEvent {
  stage: EvidenceStage;
  /** The camera's display name on the map (never its device id). */
  camera: string;
  type: string;
  kind?: string;
  tMs: number;
  lat: number;
  lng: number;
  headingDeg?: number;
}

/** What the operator asks about: a hazard's place, direction and time span. */
export interface EvidenceQuery {
  lat: number;
  lng: number;
  headingDeg?: number;
  fromMs: number;
  toMs: number;
  /** Default 200 m: a res-10 cell and its ring, the cloud's own neighbourhood. */
  radiusM?: number;
}

/** The evidence behind one hazard, stage by stage. */
export interface HazardEvidence {
  stages: Record<EvidenceStage, { events: number; cameras: number }>;
  /** Distinct cameras per minute at each stage. */
  timeline: { minute: string; device: number; uploaded: number }[];
  /** The res-10 cells the uploaded reports fell in, with the cameras behind each. */
  cells: { cell: string; reports: number; cameras: number; boundary: [number, number][] }[];
  /** The latest reports, newest first. */
  reports: { stage: EvidenceStage; camera: string; type: string; kind?: string; at: string }[];
}

/** Evidence types: what can raise a hazard (brakes, potholes, debris). */
const SIGNALS = new Set(['hard_brake', 'road_anomaly']);

/**
 * A bounded log of what the simulated cameras detected and what the stack accepted from them,
 * so the live map can show an operator the evidence behind a hazard: which cameras saw it on
 * the device, whose reports survived redaction and upload, in which cells, minute by minute.
 * Only a simulator can show the device stage: real cameras never send unredacted detections.
 *
 * @example
 * const log = new EvidenceLog();
 * log.add({ stage: 'device', camera: 'cam-001', type: 'hard_brake', tMs, lat, lng });
 * log.evidence({ lat, lng, fromMs, toMs }).stages.device.cameras; // 1
 */
export class EvidenceLog {
  private readonly events: EvidenceEvent[] = [];

  constructor(private readonly retainMs = 3 * 3600_000) {}

  /** Records a report (anything but a braking or road-anomaly report is ignored). */
  add(e: EvidenceEvent): void {
    if (!SIGNALS.has(e.type)) return;
    this.events.push(e);
    // Reports arrive in roughly increasing sim time; trim from the front.
    const cutoff = e.tMs - this.retainMs;
    let drop = 0;
    while (drop < this.events.length && (this.events[drop] as EvidenceEvent).tMs < cutoff) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }

  /** The evidence near a place in a time span, in its direction when one is given. */
  evidence(q: EvidenceQuery): HazardEvidence {
    const radiusM = q.radiusM ?? 200;
    const near = this.events.filter(
      (e) =>
        e.tMs >= q.fromMs &&
        e.tMs <= q.toMs &&
        haversineM(e.lat, e.lng, q.lat, q.lng) <= radiusM &&
        (q.headingDeg === undefined ||
          e.headingDeg === undefined ||
          headingDiffDeg(e.headingDeg, q.headingDeg) <= 70),
    );
    const stage = (s: EvidenceStage) => {
      const xs = near.filter((e) => e.stage === s);
      return { events: xs.length, cameras: new Set(xs.map((e) => e.camera)).size };
    };
    const minutes = new Map<number, { device: Set<string>; uploaded: Set<string> }>();
    for (const e of near) {
      const m = Math.floor(e.tMs / 60_000) * 60_000;
      const b = minutes.get(m) ?? { device: new Set<string>(), uploaded: new Set<string>() };
      minutes.set(m, b);
      b[e.stage].add(e.camera);
    }
    const cells = new Map<string, { reports: number; cameras: Set<string> }>();
    for (const e of near) {
      if (e.stage !== 'uploaded') continue;
      const c = latLngToCell(e.lat, e.lng, PATH_CELL_RESOLUTION);
      const b = cells.get(c) ?? { reports: 0, cameras: new Set<string>() };
      cells.set(c, b);
      b.reports++;
      b.cameras.add(e.camera);
    }
    return {
      stages: { device: stage('device'), uploaded: stage('uploaded') },
      timeline: [...minutes]
        .sort((a, b) => a[0] - b[0])
        .map(([m, b]) => ({
          minute: isoOf(m),
          device: b.device.size,
          uploaded: b.uploaded.size,
        })),
      cells: [...cells]
        .sort((a, b) => b[1].cameras.size - a[1].cameras.size)
        .map(([cell, b]) => ({
          cell,
          reports: b.reports,
          cameras: b.cameras.size,
          boundary: cellToBoundary(cell) as [number, number][],
        })),
      reports: near
        .slice(-40)
        .reverse()
        .map((e) => ({
          stage: e.stage,
          camera: e.camera,
          type: e.type,
          ...(e.kind !== undefined ? { kind: e.kind } : {}),
          at: isoOf(e.tMs),
        })),
    };
  }
}
