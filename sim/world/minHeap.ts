/**
 * A binary min-heap of (priority, value) pairs with integer values, for Dijkstra and A*.
 * Parallel typed arrays keep 10^5 pushes allocation-free after growth.
 */
export class MinHeap {
  private prio: Float64Array = new Float64Array(64);
  private vals: Int32Array = new Int32Array(64);
  private n = 0;

  /** Number of queued pairs. */
  get size(): number {
    return this.n;
  }

  /** Adds a value with a priority. */
  push(priority: number, value: number): void {
    if (this.n === this.prio.length) {
      const p = new Float64Array(this.n * 2);
      p.set(this.prio);
      this.prio = p;
      const v = new Int32Array(this.n * 2);
      v.set(this.vals);
      this.vals = v;
    }
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.prio[parent] as number) <= priority) break;
      this.prio[i] = this.prio[parent] as number;
      this.vals[i] = this.vals[parent] as number;
      i = parent;
    }
    this.prio[i] = priority;
    this.vals[i] = value;
  }

  /** Priority of the smallest pair; Infinity when empty. */
  peekPriority(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.prio[0] as number);
  }

  /** Removes and returns the value with the smallest priority; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const top = this.vals[0] as number;
    const lastP = this.prio[--this.n] as number;
    const lastV = this.vals[this.n] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && (this.prio[r] as number) < (this.prio[l] as number) ? r : l;
      if ((this.prio[c] as number) >= lastP) break;
      this.prio[i] = this.prio[c] as number;
      this.vals[i] = this.vals[c] as number;
      i = c;
    }
    this.prio[i] = lastP;
    this.vals[i] = lastV;
    return top;
  }
}
