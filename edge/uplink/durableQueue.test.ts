import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../core/storage.ts';
import { DurableQueue } from './durableQueue.ts';

describe('DurableQueue', () => {
  it('drops the oldest batch when full and counts what it dropped', () => {
    const q = new DurableQueue(new MemoryStorage(), { maxBatches: 3, maxBytes: 1_000_000 });
    for (const b of ['a', 'bb', 'ccc', 'dddd', 'eeeee']) q.enqueue(b);
    expect(q.bodies()).toEqual(['ccc', 'dddd', 'eeeee']);
    expect(q.stats).toMatchObject({ enqueued: 5, droppedBatches: 2, droppedBytes: 3 });
  });

  it('respects the byte bound as well as the count bound', () => {
    const q = new DurableQueue(new MemoryStorage(), { maxBatches: 100, maxBytes: 10 });
    for (const b of ['aaaa', 'bbbb', 'cccc']) q.enqueue(b);
    expect(q.bodies()).toEqual(['bbbb', 'cccc']);
  });

  it('acknowledges only the head, so a stale ack cannot remove a newer batch', () => {
    const q = new DurableQueue(new MemoryStorage());
    q.enqueue('a');
    q.enqueue('b');
    q.ack(1);
    expect(q.bodies()).toEqual(['a', 'b']);
  });
});
