import { describe, expect, it } from 'vitest';
import { overallVerdict, type SoakSample, soakChecks, soakCommand } from './soak.ts';

function samples(f: (hour: number) => Partial<SoakSample>, n = 30, everyS = 60): SoakSample[] {
  return Array.from({ length: n }, (_, i) => {
    const elapsedS = (i + 1) * everyS;
    return {
      elapsedS,
      rssMb: 300,
      heapFloorMb: 80,
      iteratorAgeMs: 500,
      handles: 40,
      dataDirMb: 10 + i * 0.1,
      emulatorRssMb: 200,
      accepted: (i + 1) * 1000,
      processed: (i + 1) * 1000,
      ...f(elapsedS / 3600),
    };
  });
}

describe('soak verdict', () => {
  it('is flat for steady series and a data directory growing with the accepted events', () => {
    const wobble = (h: number) => Math.sin(h * 400);
    const checks = soakChecks(
      samples((h) => ({ rssMb: 300 + 3 * wobble(h), iteratorAgeMs: 500 + 50 * wobble(h) })),
      0,
    );
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['rss', 'flat'],
      ['heapFloor', 'flat'],
      ['iteratorAge', 'flat'],
      ['handles', 'flat'],
      ['dataDir', 'flat'],
      ['emulatorRss', 'flat'],
    ]);
    expect(overallVerdict(checks)).toBe('flat');
  });

  it('calls a leak of 200 MB/h growing', () => {
    const checks = soakChecks(
      samples((h) => ({ rssMb: 300 + 200 * h })),
      0,
    );
    expect(checks.find((c) => c.name === 'rss')).toMatchObject({ verdict: 'growing', perH: 200 });
    expect(overallVerdict(checks)).toBe('growing');
  });

  it('calls an iterator age climbing 30 s/h growing', () => {
    const checks = soakChecks(
      samples((h) => ({ iteratorAgeMs: 500 + 30_000 * h })),
      0,
    );
    expect(checks.find((c) => c.name === 'iteratorAge')?.verdict).toBe('growing');
  });

  it('calls a data directory outgrowing the accepted events growing', () => {
    // Accepted events stop halfway, the directory keeps growing 5 MB a sample: not data.
    const checks = soakChecks(
      samples((h) => {
        const i = Math.round(h * 60) - 1;
        return { dataDirMb: 10 + i * 5, accepted: Math.min(i + 1, 15) * 1000 + (i + 1) };
      }),
      0,
    );
    expect(checks.find((c) => c.name === 'dataDir')?.verdict).toBe('growing');
  });

  it("reports the emulators' memory without letting it decide the verdict", () => {
    const checks = soakChecks(
      samples((h) => ({ emulatorRssMb: 200 + 500 * h })),
      0,
    );
    expect(checks.find((c) => c.name === 'emulatorRss')).toMatchObject({
      verdict: 'growing',
      informational: true,
    });
    expect(overallVerdict(checks)).toBe('flat');
  });

  it('judges a remote stack on what it can see: series not measured are left out of the verdict', () => {
    const checks = soakChecks(
      samples(() => ({
        rssMb: Number.NaN,
        heapFloorMb: Number.NaN,
        handles: Number.NaN,
        emulatorRssMb: Number.NaN,
        dataDirMb: Number.NaN,
      })),
      0,
    );
    expect(checks.filter((c) => !c.informational).map((c) => c.name)).toEqual(['iteratorAge']);
    expect(overallVerdict(checks)).toBe('flat');
  });

  it('leaves warm-up samples out of the slopes', () => {
    const checks = soakChecks(
      samples((h) => ({ rssMb: h < 0.1 ? 100 + 2000 * h : 300 })),
      0.1 * 3600,
    );
    expect(checks.find((c) => c.name === 'rss')?.verdict).toBe('flat');
  });
});

describe('dashnet soak', () => {
  it('answers 2 with a reason to bad arguments', async () => {
    const errs: string[] = [];
    expect(await soakCommand([], { err: (l) => errs.push(l) })).toBe(2);
    expect(await soakCommand(['--minutes', '1', '--sample-s', '30'], { err: (l) => errs.push(l) })).toBe(2);
    expect(await soakCommand(['--minutes', '1', '--api', 'ftp://x'], { err: (l) => errs.push(l) })).toBe(2);
    expect(errs).toHaveLength(3);
    expect(errs[0]).toContain('--minutes');
  });

  it('runs a minute of load on the local stack, prints the series and a verdict', async () => {
    const lines: string[] = [];
    const code = await soakCommand(
      ['--minutes', '1', '--sample-s', '5', '--cameras', '8', '--speedup', '10'],
      {
        log: (l) => lines.push(l),
      },
    );
    const series = lines.filter((l) => / min {2}rss /.test(l));
    expect(series.length).toBeGreaterThanOrEqual(10);
    const last = series.at(-1)!;
    expect(Number(/accepted (\d+)/.exec(last)?.[1])).toBeGreaterThan(0);
    expect(last).toMatch(/data +\d+\.\d+ MB/);
    const verdict = lines.find((l) => l.startsWith('soak verdict: '));
    expect(verdict).toMatch(/^soak verdict: (flat|growing|inconclusive)/);
    expect(code).toBe(verdict?.includes('growing') ? 1 : 0);
    for (const name of ['rss', 'heapFloor', 'iteratorAge', 'handles', 'dataDir', 'emulatorRss'])
      expect(lines.some((l) => l.trimStart().startsWith(name))).toBe(true);
  }, 180_000);
});
