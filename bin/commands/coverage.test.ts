import { describe, expect, it } from 'vitest';
import { coverageCommand } from './coverage.ts';
import { exportCommand, progressBar } from './export.ts';

const run = async (argv: string[], fetchImpl?: typeof fetch) => {
  const lines: string[] = [];
  const status = await coverageCommand(argv, {
    log: (l) => lines.push(l),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return { status, lines };
};

describe('dashnet coverage', () => {
  it('exits 2 with a one-line reason on a bad box or time', async () => {
    expect(await run(['--bbox', '1,2,3', '--operator-token', 't'])).toMatchObject({ status: 2 });
    expect(
      (await run(['--bbox', '-80,40,-79.9,40.1', '--from', 'yesterday', '--operator-token', 't'])).lines,
    ).toEqual(["--from must be an RFC 3339 time, got 'yesterday'"]);
    expect((await run([])).status).toBe(2);
  });

  it('prints covered km and share per road class from GET /v1/coverage', async () => {
    const body = {
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-29T00:00:00Z',
      k: 5,
      roadNetwork: { attribution: 'OSM' },
      roadCells: 10,
      coveredCells: 5,
      roadKm: 2,
      coveredKm: 1.5,
      kmShare: 0.75,
      byClass: [
        { roadClass: 'motorway', roadKm: 2, coveredKm: 1.5, share: 0.75, roadCells: 10, coveredCells: 5 },
      ],
    };
    let asked = '';
    const fake = (async (u: URL) => {
      asked = String(u);
      return new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof fetch;
    const { status, lines } = await run(
      ['--bbox', '-80,40.4,-79.9,40.5', '--api', 'http://x', '--operator-token', 't'],
      fake,
    );
    expect(status).toBe(0);
    expect(asked).toContain('/v1/coverage?bbox=-80%2C40.4%2C-79.9%2C40.5');
    expect(lines.find((l) => l.startsWith('motorway'))).toMatch(/2\.0\s+1\.5\s+75\.0 %/);
  });
});

describe('dashnet export arguments', () => {
  it('exits 2 on a missing option or an unknown format', async () => {
    const lines: string[] = [];
    expect(await exportCommand(['--insurer', 'a'], { log: (l) => lines.push(l) })).toBe(2);
    expect(
      await exportCommand(
        [
          '--insurer',
          'a',
          '--from',
          '2024-01-01T00:00:00Z',
          '--to',
          '2024-01-02T00:00:00Z',
          '--format',
          'xlsx',
          '--out',
          'x',
        ],
        { log: (l) => lines.push(l) },
      ),
    ).toBe(2);
    expect(lines.at(-1)).toBe("--format must be csv or parquet, got 'xlsx'");
  });

  it('draws a progress bar', () => {
    expect(progressBar(1, 2, 'files', 10)).toBe('[#####     ]  50 % files');
  });
});
