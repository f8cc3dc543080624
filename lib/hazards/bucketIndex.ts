import { gridDisk } from 'h3-js';
import type { BucketDelta } from './bucketing.ts';
import type { BucketKind } from './signals.ts';
import type { BucketEntry } from './slidingWindow.ts';

/**
 * The buckets an invocation knows about — read from the store and written by itself — indexed
 * by cell, merged by (kind, cell, minute, sector) with set union so nothing is counted twice.
 */
export class BucketIndex {
  private readonly byCell = new Map<string, Map<string, BucketEntry & { pseudonyms: string[] }>>();

  /** Adds stored entries or fresh deltas. */
  add(entries: Iterable<BucketEntry | BucketDelta>): this {
    for (const e of entries) {
      let cell = this.byCell.get(e.cell);
      if (!cell) {
        cell = new Map();
        this.byCell.set(e.cell, cell);
      }
      const key = `${e.kind}#${e.minute}#${String(e.sector)}`;
      const existing = cell.get(key);
      if (!existing) {
        cell.set(key, {
          kind: e.kind,
          cell: e.cell,
          minute: e.minute,
          sector: e.sector,
          pseudonyms: [...e.pseudonyms],
        });
      } else {
        const merged = new Set([...existing.pseudonyms, ...e.pseudonyms]);
        existing.pseudonyms = [...merged];
      }
    }
    return this;
  }

  /**
   * Whether every pseudonym of the delta is already in the index under its kind, cell, minute
   * and sector: writing it would change nothing.
   *
   * @example
   * index.add([{ kind: 'pass', cell, minute, sector: 2, pseudonyms: ['a', 'b'] }]);
   * index.holds({ kind: 'pass', cell, minute, sector: 2, pseudonyms: new Set(['a']) }); // true
   */
  holds(d: BucketEntry | BucketDelta): boolean {
    const entry = this.byCell.get(d.cell)?.get(`${d.kind}#${d.minute}#${String(d.sector)}`);
    if (!entry) return false;
    const known = new Set(entry.pseudonyms);
    for (const p of d.pseudonyms) if (!known.has(p)) return false;
    return true;
  }

  /** Entries of one kind in the given cells. */
  entries(kind: BucketKind, cells: Iterable<string>): BucketEntry[] {
    const out: BucketEntry[] = [];
    for (const c of cells) {
      for (const e of this.byCell.get(c)?.values() ?? []) if (e.kind === kind) out.push(e);
    }
    return out;
  }

  /** Entries of one kind in a cell and its rings. */
  cluster(kind: BucketKind, cell: string, rings: number): BucketEntry[] {
    return this.entries(kind, gridDisk(cell, rings));
  }

  /** Every cell with any entry of a kind other than `pass`: where something is happening. */
  signalCells(): string[] {
    const out: string[] = [];
    for (const [cell, entries] of this.byCell) {
      for (const e of entries.values()) {
        if (e.kind !== 'pass') {
          out.push(cell);
          break;
        }
      }
    }
    return out;
  }
}
