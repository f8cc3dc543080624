import { cellToBoundary } from 'h3-js';
import type { AggregationReport } from '../functions/stream/aggregator.ts';
import { DEFAULT_DETECTOR_CONFIG } from '../lib/hazards/detector.ts';
import { windowStartMinute } from '../lib/hazards/slidingWindow.ts';

/** One cell gathering evidence of one signal kind, ready to draw. */
export interface LiveCell {
  /** H3 res-10 index. */
  cell: string;
  /** Signal kind of the buckets (`brake`, `pothole`, `debris`). */
  kind: string;
  /**
   * Sum over the window's minutes (and heading sectors, and invocations) of the distinct
   * cameras each bucket delta reported. A camera seen in two minutes counts twice, so this is
   * "evidence", not a distinct-camera count: the detector's own window is the authority.
   */
  evidence: number;
  /** Cell outline as `[lat, lng]` pairs (h3-js order), so the browser needs no H3 library. */
  boundary: [number, number][];
}

/** Options of {@link LiveCells}. */
export interface LiveCellsOptions {
  /** Minutes of event time kept, counting the newest minute seen (default 20, the detector's window). */
  windowMinutes?: number;
}

/**
 * What the live map shows as cells gathering evidence: consumes the aggregator's reports and
 * keeps, per cell and signal kind, evidence per event-time minute over a sliding window.
 *
 * The window slides with the newest event minute seen, not with the wall clock, because the
 * simulated fleet starts its clock in the past and catches up; a wall-clock window would show
 * nothing until it did. Minutes older than the window are pruned on every report, so memory is
 * bounded by the cells active in the last `windowMinutes`.
 *
 * @example
 * const live = new LiveCells();
 * await startLocalStack({ onAggregation: (r) => live.add(r) });
 * live.snapshot(); // [{ cell, kind: 'brake', evidence: 7, boundary: [[40.44, -79.94], …] }]
 */
export class LiveCells {
  private readonly windowMinutes: number;
  /** `kind#cell` → minute → evidence. */
  private readonly buckets = new Map<string, Map<number, number>>();
  private newestMinute = Number.NEGATIVE_INFINITY;
  /** Boundaries never change, and the same few cells are drawn every second. */
  private readonly boundaries = new Map<string, [number, number][]>();

  constructor(opts: LiveCellsOptions = {}) {
    this.windowMinutes = opts.windowMinutes ?? DEFAULT_DETECTOR_CONFIG.windowMinutes;
  }

  /** Adds one aggregation report's touched buckets and prunes what fell out of the window. */
  add(report: Pick<AggregationReport, 'touched'>): void {
    for (const t of report.touched) {
      if (t.minute < windowStartMinute(this.newestMinute, this.windowMinutes)) continue;
      const key = `${t.kind}#${t.cell}`;
      let minutes = this.buckets.get(key);
      if (!minutes) {
        minutes = new Map();
        this.buckets.set(key, minutes);
      }
      minutes.set(t.minute, (minutes.get(t.minute) ?? 0) + t.cameras);
      if (t.minute > this.newestMinute) this.newestMinute = t.minute;
    }
    this.prune();
  }

  /** The cells with evidence in the window, most evidence first. */
  snapshot(): LiveCell[] {
    const out: LiveCell[] = [];
    for (const [key, minutes] of this.buckets) {
      const [kind = '', cell = ''] = key.split('#');
      let evidence = 0;
      for (const n of minutes.values()) evidence += n;
      out.push({ cell, kind, evidence, boundary: this.boundaryOf(cell) });
    }
    return out.sort((a, b) => b.evidence - a.evidence);
  }

  private prune(): void {
    const oldestKept = windowStartMinute(this.newestMinute, this.windowMinutes);
    for (const [key, minutes] of this.buckets) {
      for (const m of minutes.keys()) if (m < oldestKept) minutes.delete(m);
      if (minutes.size === 0) {
        this.buckets.delete(key);
        const cell = key.slice(key.indexOf('#') + 1);
        this.boundaries.delete(cell);
      }
    }
  }

  private boundaryOf(cell: string): [number, number][] {
    let b = this.boundaries.get(cell);
    if (!b) {
      // Rounded to ~1 m: the page polls this every second, and full doubles triple the payload.
      b = cellToBoundary(cell).map(([lat, lng]) => [round5(lat), round5(lng)] as [number, number]);
      this.boundaries.set(cell, b);
    }
    return b;
  }
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
