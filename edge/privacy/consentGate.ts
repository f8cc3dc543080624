/**
 * Network-sharing consent. With sharing off nothing is queued for upload (local recording is
 * a separate sink and unaffected). Consent is read at the moment an event would be queued, so
 * turning it off stops uploads at once, and is never applied retroactively to turn data on.
 */
export class ConsentGate {
  private dropped = 0;

  constructor(private network: boolean) {}

  /** Whether network sharing is on. */
  get sharing(): boolean {
    return this.network;
  }

  /** Turns network sharing on or off. */
  set(network: boolean): void {
    this.network = network;
  }

  /** Whether an item may be queued for upload; counts refusals. */
  admit(): boolean {
    if (!this.network) this.dropped++;
    return this.network;
  }

  /** How many items were withheld because sharing was off. */
  get droppedCount(): number {
    return this.dropped;
  }
}
