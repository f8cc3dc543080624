import { describe, expect, it } from 'vitest';
import { GroupCommit } from './groupCommit.ts';

/** A write that records each call and settles only when the test says so. */
function controlledWrite() {
  const calls: number[][] = [];
  const settle: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push(items);
      settle.push({ resolve, reject });
    });
  return { calls, settle, write };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('GroupCommit', () => {
  it('writes the first submission at once, alone', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write);
    const done = gc.submit([1, 2]);
    expect(w.calls).toEqual([[1, 2]]);
    w.settle[0]!.resolve();
    await expect(done).resolves.toBeUndefined();
  });

  it('merges submissions that arrive during a write into one next write', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write);
    const first = gc.submit([1]);
    const later = [gc.submit([2]), gc.submit([3, 4]), gc.submit([5])];
    expect(gc.pending).toBe(4);
    w.settle[0]!.resolve();
    await first;
    await tick();
    expect(w.calls).toEqual([[1], [2, 3, 4, 5]]);
    w.settle[1]!.resolve();
    await Promise.all(later);
    expect(gc.pending).toBe(0);
  });

  it('keeps a write within the size bound without splitting a caller', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write, 3);
    void gc.submit([0]);
    const rest = [gc.submit([1, 2]), gc.submit([3, 4]), gc.submit([5, 6, 7, 8])];
    for (let i = 0; i < 4; i++) {
      w.settle[i]!.resolve();
      await tick();
    }
    await Promise.all(rest);
    expect(w.calls).toEqual([[0], [1, 2], [3, 4], [5, 6, 7, 8]]);
  });

  it('rejects every caller of a failed write and none of the next one', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write);
    const first = gc.submit([1]);
    const a = gc.submit([2]);
    const b = gc.submit([3]);
    w.settle[0]!.resolve();
    await first;
    await tick();
    const c = gc.submit([4]);
    w.settle[1]!.reject(new Error('throttled'));
    await expect(a).rejects.toThrow('throttled');
    await expect(b).rejects.toThrow('throttled');
    await tick();
    expect(w.calls.at(-1)).toEqual([4]);
    w.settle[2]!.resolve();
    await expect(c).resolves.toBeUndefined();
  });
});
