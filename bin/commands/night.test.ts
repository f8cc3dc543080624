import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/contract/artefact.ts';
import { unsignedIspProfileArtefact } from '../../lib/night/calibration.ts';
import { decodeIspProfile } from '../../lib/night/ispProfileFormat.ts';
import { nightCommand, publishArgs } from './night.ts';

const candidate = unsignedIspProfileArtefact({
  profile: {
    schema: 1,
    cameraModel: 'budget-10hz',
    firmware: '2.1.0',
    blackLevelOffset: 16,
    targetLuma: 100,
    minExposureMs: 0.05,
    maxExposureMs: 33,
    minGain: 1,
    maxGain: 16,
    noise: { readSigma: 2.6, shotGain: 0.09 },
    denoise: [{ gain: 1, strength: 0.7 }],
  },
  version: '1.20459.0',
  createdAt: '2026-01-09T01:00:00.000Z',
  provenance: { cameras: 24, reports: 120, source: 'fleet night_scene reports' },
});

const fakeFetch = (status: number, body: unknown) =>
  (async (url: URL, init: RequestInit) => {
    expect(String(url)).toContain('/v1/night/candidates');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer dno_t');
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;

describe('dashnet night candidates', () => {
  it('writes each candidate’s bytes and prints the artefact publish line that signs it offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'night-'));
    try {
      const lines: string[] = [];
      const body = {
        candidates: [
          { manifest: candidate.manifest, bytes: Buffer.from(candidate.bytes).toString('base64') },
        ],
      };
      const code = await nightCommand(
        ['candidates', '--out', dir, '--operator-token', 'dno_t', '--api', 'http://x'],
        {
          log: (l) => lines.push(l),
          fetch: fakeFetch(200, body),
        },
      );
      expect(code).toBe(0);
      const file = join(dir, 'isp-night-budget-10hz-1.20459.0.json');
      const bytes = new Uint8Array(readFileSync(file));
      expect(sha256Hex(bytes)).toBe(candidate.manifest.sha256);
      expect(decodeIspProfile(bytes).maxGain).toBe(16);
      expect(lines[0]).toContain('24 cameras');
      expect(lines[1]).toContain('--kind isp_profile --name isp-night-budget-10hz --version 1.20459.0');
      expect(lines[1]).toContain("--provenance 'source=fleet night_scene reports'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes compatibility and provenance to artefact publish', () => {
    expect(publishArgs(candidate.manifest, 'f.json')).toEqual([
      'artefact',
      'publish',
      '--file',
      'f.json',
      '--kind',
      'isp_profile',
      '--name',
      'isp-night-budget-10hz',
      '--version',
      '1.20459.0',
      '--camera-models',
      'budget-10hz',
      '--min-firmware',
      '2.1.0',
      '--max-firmware',
      '2.1.0',
      '--provenance',
      'cameras=24',
      '--provenance',
      'reports=120',
      '--provenance',
      'source=fleet night_scene reports',
    ]);
  });

  it('exits 1 when the API refuses and 2 on bad arguments', async () => {
    const log = () => {};
    expect(
      await nightCommand(['candidates', '--operator-token', 'dno_t'], { log, fetch: fakeFetch(403, {}) }),
    ).toBe(1);
    expect(await nightCommand(['calibrate'], { log })).toBe(2);
  });
});
