import { describe, expect, it, vi } from 'vitest';
import { faultsCommand } from './faults.ts';

describe('dashnet faults', () => {
  it('refuses bad options with exit code 2 and a one-line reason', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await faultsCommand(['--cycles', 'many'])).toBe(2);
      expect(await faultsCommand(['--faults', 'explode=0.5'])).toBe(2);
      expect(await faultsCommand(['--faults', 'throttle=3'])).toBe(2);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/^dashnet faults: rate of "throttle=3"/);
    } finally {
      err.mockRestore();
    }
  });
});
