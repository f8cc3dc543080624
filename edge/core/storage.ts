/**
 * Small synchronous key/value storage (flash on a camera, a directory on Node, a `Map` in
 * tests). Synchronous because camera firmware offers blocking flash writes and because it keeps
 * the queue's invariants simple: a write has happened when the call returns.
 */
export interface KeyValueStorage {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** In-memory {@link KeyValueStorage}; also the storage of `edge replay`. */
export class MemoryStorage implements KeyValueStorage {
  private readonly map = new Map<string, string>();

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  set(key: string, value: string): void {
    this.map.set(key, value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** How many keys are stored (tests use it to show the queue stayed empty). */
  size(): number {
    return this.map.size;
  }
}
