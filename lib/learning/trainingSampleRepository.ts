import type { TrainingSampleEvent } from '../contract/events.ts';

/** One uploaded training sample as the cloud keeps it: the event and the day pseudonym of the camera that sent it. */
export interface StoredTrainingSample {
  /** The camera's pseudonym of that UTC day (lib/privacy/pseudonym.ts): counts cameras within a day, links nothing across days. */
  pseudonym: string;
  sample: TrainingSampleEvent;
}

/**
 * Where uploaded training samples wait for the next training round. Keyed by event id, so a
 * stream record delivered again (a retried batch, a replayed shard) stores nothing twice.
 * A DynamoDB table would implement it with a conditional put on the id.
 */
export interface TrainingSampleRepository {
  /** Stores `item` unless a sample with its event id is already stored; returns whether it was new. */
  putIfAbsent(item: StoredTrainingSample): Promise<boolean>;
  /** Every stored sample, in the order first stored. */
  list(): Promise<StoredTrainingSample[]>;
}

/**
 * The in-memory {@link TrainingSampleRepository}: the local stack's and the tests' store, and
 * the reference behaviour for any other.
 */
export class InMemoryTrainingSampleRepository implements TrainingSampleRepository {
  private readonly byId = new Map<string, StoredTrainingSample>();

  async putIfAbsent(item: StoredTrainingSample): Promise<boolean> {
    if (this.byId.has(item.sample.id)) return false;
    this.byId.set(item.sample.id, item);
    return true;
  }

  async list(): Promise<StoredTrainingSample[]> {
    return [...this.byId.values()];
  }
}
