import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { publicKeyOf, toHex, verifyArtefact } from '../../lib/contract/artefact.ts';
import { priorTileCandidate } from '../../lib/priors/buildPriorTile.ts';
import { candidateToJson, priorsCommand } from './priors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dashnet-priors-'));
const SEED = Uint8Array.from({ length: 32 }, (_, i) => 3 * i + 7);
const REGION = cellToParent(latLngToCell(40.44, -79.99, 8), 4);

function candidateFile(): string {
  const cells = cellToChildren(REGION, 8)
    .slice(0, 3)
    .map((cell, i) => ({
      cell,
      exposureKm: 50,
      exposureH: 1,
      nearMisses: i,
      cameraDays: 9,
      rate: i,
      logRateRatio: i - 1,
      evidenceWeight: 0.5,
    }));
  const candidate = priorTileCandidate(
    {
      region: REGION,
      cells,
      unit: 'hour',
      prior: { meanRate: 1, shape: 2, rate: 2, method: 'moments' },
      exposureKm: 150,
      exposureH: 3,
      nearMisses: 3,
    },
    { fromDay: '2026-11-01', toDay: '2026-11-30', k: 5, createdAt: '2026-12-01T00:00:00Z' },
  );
  const path = join(dir, 'candidate.json');
  writeFileSync(path, JSON.stringify(candidateToJson(candidate)));
  return path;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await priorsCommand(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

describe('dashnet priors', () => {
  it('signs a candidate into a publish body that verifies with the release key', async () => {
    const key = join(dir, 'release.seed');
    writeFileSync(key, toHex(SEED));
    const out = join(dir, 'publish.json');
    const r = await run(['sign', '--candidate', candidateFile(), '--key', key, '--out', out]);
    expect(r.code).toBe(0);
    const body = JSON.parse(readFileSync(out, 'utf8'));
    const bytes = new Uint8Array(Buffer.from(body.bytes, 'base64'));
    expect(verifyArtefact(body.manifest, body.signature, [publicKeyOf(SEED)], bytes).kind).toBe(
      'conflict_priors',
    );
    const shown = await run(['inspect', '--in', out]);
    expect(shown.code).toBe(0);
    expect(shown.out).toHaveLength(2 + 3);
    expect(JSON.parse(shown.out[2]!).rateRatio).toBeCloseTo(Math.exp(-1), 2);
  });

  it('exits 2 with a reason on a bad key, a missing option or bytes that are no tile', async () => {
    const key = join(dir, 'short.seed');
    writeFileSync(key, 'abcd');
    expect(
      (await run(['sign', '--candidate', candidateFile(), '--key', key, '--out', join(dir, 'x.json')])).code,
    ).toBe(2);
    expect((await run(['sign', '--candidate', candidateFile()])).code).toBe(2);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'DNCPxxxxxxxxxxxxxxxxxxxxxxxxxx');
    const r = await run(['inspect', '--in', junk]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^dashnet priors: /);
    expect((await run(['frobnicate'])).code).toBe(2);
  });
});
