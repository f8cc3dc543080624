import type { KeyValueStorage } from '../core/storage.ts';

/** Bounds of {@link DurableQueue}. */
export interface DurableQueueConfig {
  /** Batches kept at most: at one batch a minute, 2000 is more than a day of driving offline. */
  maxBatches: number;
  /** Bytes kept at most (flash budget). */
  maxBytes: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_DURABLE_QUEUE: DurableQueueConfig = { maxBatches: 2000, maxBytes: 64 * 1024 * 1024 };

/** Counters of the queue; `dropped*` is what the "full" policy cost. */
export interface DurableQueueStats {
  enqueued: number;
  acked: number;
  droppedBatches: number;
  droppedBytes: number;
}

interface Meta extends DurableQueueStats {
  head: number;
  tail: number;
  bytes: number;
}

/** One queued batch: its position and its exact body. */
export interface QueuedBatch {
  seq: number;
  body: string;
}

const META = 'edge/q/meta';

/**
 * A bounded FIFO of serialised batches on the injected storage, surviving restarts. When full
 * it drops the OLDEST batch and counts it: hazards are time-critical, so after a long outage
 * the newest data is worth most, and a camera must keep recording rather than stall.
 * Writes go body first, then the metadata that makes it visible: a crash between the two
 * leaves an orphan, never a dangling entry.
 */
export class DurableQueue {
  private meta: Meta;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly config: DurableQueueConfig = DEFAULT_DURABLE_QUEUE,
  ) {
    this.meta = loadMeta(storage);
  }

  /** Appends a batch body, evicting the oldest while over a bound. */
  enqueue(body: string): void {
    const m = this.meta;
    this.storage.set(key(m.tail), body);
    m.tail++;
    m.bytes += body.length;
    m.enqueued++;
    while (
      m.tail - m.head > 1 &&
      (m.tail - m.head > this.config.maxBatches || m.bytes > this.config.maxBytes)
    ) {
      const old = this.storage.get(key(m.head));
      this.storage.delete(key(m.head));
      m.head++;
      m.droppedBatches++;
      m.droppedBytes += old?.length ?? 0;
      m.bytes -= old?.length ?? 0;
    }
    this.saveMeta();
  }

  /** The oldest batch, or `undefined` when empty. */
  peek(): QueuedBatch | undefined {
    const m = this.meta;
    while (m.head < m.tail) {
      const body = this.storage.get(key(m.head));
      if (body !== undefined) return { seq: m.head, body };
      // Lost behind our back (flash error): skip rather than block the queue forever.
      m.head++;
      this.saveMeta();
    }
    return undefined;
  }

  /** Removes batch `seq` once the cloud has accepted (or definitively refused) it. */
  ack(seq: number): void {
    const m = this.meta;
    if (seq !== m.head) return;
    const body = this.storage.get(key(seq));
    this.storage.delete(key(seq));
    m.head++;
    m.acked++;
    m.bytes -= body?.length ?? 0;
    this.saveMeta();
  }

  /** Every queued body, oldest first (replay output). */
  bodies(): string[] {
    const out: string[] = [];
    for (let s = this.meta.head; s < this.meta.tail; s++) {
      const b = this.storage.get(key(s));
      if (b !== undefined) out.push(b);
    }
    return out;
  }

  /** Batches queued. */
  get length(): number {
    return this.meta.tail - this.meta.head;
  }

  /** Counters since the queue was created. */
  get stats(): DurableQueueStats {
    const { enqueued, acked, droppedBatches, droppedBytes } = this.meta;
    return { enqueued, acked, droppedBatches, droppedBytes };
  }

  private saveMeta(): void {
    this.storage.set(META, JSON.stringify(this.meta));
  }
}

function key(seq: number): string {
  return `edge/q/${seq}`;
}

function loadMeta(storage: KeyValueStorage): Meta {
  const fresh: Meta = {
    head: 0,
    tail: 0,
    bytes: 0,
    enqueued: 0,
    acked: 0,
    droppedBatches: 0,
    droppedBytes: 0,
  };
  const raw = storage.get(META);
  if (raw === undefined) return fresh;
  try {
    const m = JSON.parse(raw) as Meta;
    return typeof m.head === 'number' && typeof m.tail === 'number' ? m : fresh;
  } catch {
    return fresh;
  }
}
