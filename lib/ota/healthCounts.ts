import { cellToParent, latLngToCell } from 'h3-js';
import type { ArtefactKind } from '../contract/artefact.ts';
import type { TelemetryEvent } from '../contract/events.ts';
import { HOUR_MS, MINUTE_MS } from '../time/durations.ts';
import type { ArtefactLine } from './registry.ts';

/**
 * H3 resolution of a health stratum's place. Res-7 cells (~5 km²) are a neighbourhood or a
 * stretch of motorway: fine enough that the candidate and the control cohorts are compared on
 * the same kind of road, coarse enough that a 1 % cohort still shares strata with the control.
 */
export const HEALTH_CELL_RESOLUTION = 7;

/** What one artefact version saw in one stratum (res-7 cell × UTC hour). */
export interface StratumCounts {
  /** Camera-minutes of driving: distinct (minute, cell) pairs a camera reported. */
  exposureMin: number;
  /** `badas_alert` events. */
  alerts: number;
  /** `near_miss` events. */
  nearMisses: number;
  /** Errors the camera counted (the batch's `health.cameraErrors`). */
  errors: number;
}

/** Health counts by stratum key (see {@link stratumKey}). */
export type Strata = Map<string, StratumCounts>;

/** The health metrics a rollout is judged on. */
export const HEALTH_METRICS = ['alerts', 'nearMisses', 'errors'] as const;
/** One of {@link HEALTH_METRICS}. */
export type HealthMetric = (typeof HEALTH_METRICS)[number];

/** A stratum's key: zero-padded epoch hour, then the res-7 cell, so keys sort by time. */
export function stratumKey(epochHour: number, cell: string): string {
  return `${String(epochHour).padStart(8, '0')}#${cell}`;
}

/** The epoch hour of a stratum key. */
export function stratumHour(key: string): number {
  return Number(key.slice(0, 8));
}

const zero = (): StratumCounts => ({ exposureMin: 0, alerts: 0, nearMisses: 0, errors: 0 });

/**
 * A batch's contribution to the health strata: exposure from the trip paths it reports (where
 * and when the camera drove, whether or not anything happened), alerts and near misses where
 * they happened, and the camera's error count attributed to the stratum where it drove most in
 * the batch (errors carry no place). Exposure never comes from the alerts themselves: a rate
 * whose denominator grows with its numerator would hide exactly the rise it should show.
 */
export function batchStrata(events: readonly TelemetryEvent[], cameraErrors = 0): Strata {
  const strata: Strata = new Map();
  const minutes = new Map<string, Set<number>>();
  const at = (key: string) => {
    let s = strata.get(key);
    if (!s) {
      s = zero();
      strata.set(key, s);
    }
    return s;
  };
  const keyOf = (cell: string, tsMs: number) => stratumKey(Math.floor(tsMs / HOUR_MS), cell);
  for (const e of events) {
    if (e.type === 'trip') {
      for (const p of e.path) {
        const tsMs = Date.parse(p.ts);
        const key = keyOf(cellToParent(p.cell, HEALTH_CELL_RESOLUTION), tsMs);
        let set = minutes.get(key);
        if (!set) {
          set = new Set();
          minutes.set(key, set);
        }
        set.add(Math.floor(tsMs / MINUTE_MS));
      }
    } else if (e.type === 'badas_alert' || e.type === 'near_miss') {
      const s = at(keyOf(latLngToCell(e.lat, e.lng, HEALTH_CELL_RESOLUTION), Date.parse(e.ts)));
      if (e.type === 'badas_alert') s.alerts += 1;
      else s.nearMisses += 1;
    }
  }
  let busiest: string | undefined;
  for (const [key, set] of minutes) {
    const s = at(key);
    s.exposureMin = set.size;
    if (busiest === undefined || s.exposureMin > at(busiest).exposureMin) busiest = key;
  }
  if (cameraErrors > 0 && busiest !== undefined) at(busiest).errors += cameraErrors;
  return strata;
}

/** An artefact a camera says it runs (the telemetry batch's `artefacts`). */
export interface ReportedArtefact {
  kind: ArtefactKind;
  name: string;
  version: string;
}

/** Counts to add for one arm (`version`) of one rollout stage (`candidate` at `stage`) of a line. */
export interface HealthIncrement {
  kind: ArtefactKind;
  name: string;
  /** The rollout the counts belong to: its candidate and the stage it was at. */
  candidate: string;
  stage: number;
  /** The version the camera ran: the candidate or the current one (the control). */
  version: string;
  strata: Strata;
}

/**
 * Which versions a batch counts for: only lines with a rollout under way, and only their
 * candidate and current versions (the two arms the controller compares), under the rollout's
 * current stage. Everything else is not counted at all, so cameras cost no extra writes outside
 * a rollout.
 */
export function healthIncrements(
  reported: readonly ReportedArtefact[],
  activeLines: readonly ArtefactLine[],
  strata: Strata,
): HealthIncrement[] {
  if (strata.size === 0) return [];
  const out: HealthIncrement[] = [];
  for (const r of reported) {
    const line = activeLines.find((l) => l.kind === r.kind && l.name === r.name);
    if (!line?.candidate) continue;
    if (r.version !== line.candidate && r.version !== line.current) continue;
    // Counted per stage: each stage's verdict rests on that stage's evidence only.
    out.push({
      kind: r.kind,
      name: r.name,
      candidate: line.candidate,
      stage: line.stage ?? 0,
      version: r.version,
      strata,
    });
  }
  return out;
}
