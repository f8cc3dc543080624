import { describe, expect, it, vi } from 'vitest';
import { trainCommand } from './train.ts';

describe('dashnet train', () => {
  it('exits 2 with a one-line reason on an unknown option', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await trainCommand(['--curve', '--bogus', '1'])).toBe(2);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/^dashnet train: unknown option --bogus\n$/);
    } finally {
      err.mockRestore();
    }
  });

  it('exits 2 when --drives is out of range', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await trainCommand(['--drives', '3'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
