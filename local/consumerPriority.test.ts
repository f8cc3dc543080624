import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startLocalStack } from './localStack.ts';

/** Nice value of each thread of this process (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.skipIf(process.platform !== 'linux')(
  'consumersYield: the consumer thread yields to the HTTP API',
  () => {
    it('runs the stream consumers and their tables’ emulator 10 nice levels lower, everything else as started', async () => {
      const base = threadNiceValues()[0]!;
      const lowered = Math.min(19, base + 10);
      const stack = await startLocalStack({ consumersYield: true });
      try {
        const during = threadNiceValues();
        expect(during.filter((n) => n === lowered)).toHaveLength(2);
        expect(during.filter((n) => n !== lowered).every((n) => n === base)).toBe(true);
      } finally {
        await stack.stop();
      }
    });

    it('leaves every thread as started by default', async () => {
      const base = threadNiceValues()[0]!;
      const stack = await startLocalStack({});
      try {
        expect(threadNiceValues().every((n) => n === base)).toBe(true);
      } finally {
        await stack.stop();
      }
    });
  },
);
