/**
 * Group commit: callers that want the same kind of write while one is in flight share the next
 * one. The first caller writes at once (no added latency when traffic is light); callers that
 * arrive during that write are queued and written together as soon as it returns, so under load
 * many requests cost one call. Each caller's promise settles with the write that carried its
 * items: it resolves only once they are stored and rejects with that write's error, so nothing
 * is acknowledged that was not written (the caller answers 5xx and the client retries).
 *
 * Why: on the local stack every SDK call costs the handlers' thread a request's worth of
 * signing, serialising and a loopback socket write; on AWS the same calls cost PutRecords and
 * write units. Merging is only used for writes that are commutative (counters) or already
 * idempotent (stream records with a batch key).
 *
 * @example
 * const puts = new GroupCommit<Rec>((recs) => putStreamRecords(kinesis, stream, recs), 500);
 * await puts.submit(records); // resolves once a PutRecords carrying them succeeded
 */
export class GroupCommit<T> {
  private queue: { items: T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private queuedItems = 0;
  private writing = false;

  /**
   * @param write - stores the items; throws when they are not all stored.
   * @param maxItemsPerWrite - an upper bound of one write (e.g. 500 records per PutRecords);
   *   a single caller's items are never split over two writes by the queue itself.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItemsPerWrite = Number.POSITIVE_INFINITY,
  ) {}

  /** Number of items waiting for the next write (for tests and metrics). */
  get pending(): number {
    return this.queuedItems;
  }

  /** Queues `items` for the next write; resolves once a write carrying them succeeded. */
  submit(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items: [...items], resolve, reject });
      this.queuedItems += items.length;
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.takeGroup();
      try {
        await this.write(group.flatMap((g) => g.items));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.writing = false;
  }

  /** The oldest callers whose items fit one write (always at least one caller). */
  private takeGroup(): GroupCommit<T>['queue'] {
    let n = 0;
    let count = 0;
    while (n < this.queue.length) {
      const size = this.queue[n]!.items.length;
      if (n > 0 && count + size > this.maxItemsPerWrite) break;
      count += size;
      n++;
    }
    const group = this.queue.splice(0, n);
    this.queuedItems -= count;
    return group;
  }
}
