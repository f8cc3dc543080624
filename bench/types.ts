/** One figure of `dashnet bench`, as `bench/results.json` stores it (../shared/API.md §1). */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  target?: number;
  /** What the figure was measured on, for the README. */
  note?: string;
}

/** A named group of figures; `dashnet bench --only NAME,…` selects groups by name. */
export interface BenchSuite {
  name: string;
  run: () => Promise<BenchResult[]>;
}
