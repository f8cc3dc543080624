import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { AUTHZ_MATRIX } from '../../lib/auth/authzMatrix.ts';
import { sha256Hex } from '../../lib/contract/artefact.ts';
import type { IspProfileCandidate } from '../../lib/night/calibration.ts';
import { decodeIspProfile, type IspProfile } from '../../lib/night/ispProfileFormat.ts';
import type { HttpEvent } from './httpKit.ts';
import { createNightCandidatesHandler } from './nightCandidates.ts';

const ROUTE = 'GET /v1/night/candidates';
const OPERATOR = 'dno_operator-token-for-tests';

const profile = (maxGain: number): IspProfile => ({
  schema: 1,
  cameraModel: 'budget-10hz',
  firmware: '2.1.0',
  blackLevelOffset: 16,
  targetLuma: 100,
  minExposureMs: 0.05,
  maxExposureMs: 33,
  minGain: 1,
  maxGain,
  noise: { readSigma: 2.6, shotGain: 0.09 },
  denoise: [{ gain: 1, strength: 0.7 }],
});
const candidates: IspProfileCandidate[] = [
  {
    profile: profile(12),
    version: '1.20458.0',
    createdAt: '2026-01-08T01:00:00.000Z',
    provenance: { cameras: 22 },
  },
  {
    profile: profile(16),
    version: '1.20459.0',
    createdAt: '2026-01-09T01:00:00.000Z',
    provenance: { cameras: 24 },
  },
];

function handler() {
  const deps = {
    operatorToken: async () => OPERATOR,
    sha256: (s: string) => createHash('sha256').update(s).digest('hex'),
    clock: () => Date.parse('2026-01-09T12:00:00Z'),
  } as unknown as Parameters<typeof createNightCandidatesHandler>[0];
  return createNightCandidatesHandler(deps, {
    groups: async () => [{ cameraModel: 'budget-10hz', firmware: '2.1.0' }],
    candidates: async () => candidates,
  });
}

function get(token: string | undefined, query: Record<string, string> = {}): HttpEvent {
  return {
    routeKey: ROUTE,
    rawPath: '/v1/night/candidates',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    queryStringParameters: query,
    requestContext: { http: { method: 'GET', path: '/v1/night/candidates', sourceIp: '127.0.0.1' } },
  } as unknown as HttpEvent;
}

describe('GET /v1/night/candidates', () => {
  it('refuses a caller without the operator credential', async () => {
    const res = await handler()(get(undefined), {} as Context);
    expect([401, 403]).toContain(res.statusCode);
  });

  // Runs once the route is declared in lib/api/functions.ts (deny by default until then).
  it.skipIf(!AUTHZ_MATRIX[ROUTE])(
    'gives an operator the newest candidate per group, as bytes to sign and unsigned manifest fields',
    async () => {
      const res = await handler()(get(OPERATOR), {} as Context);
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body as string) as {
        candidates: { manifest: Record<string, unknown>; bytes: string }[];
      };
      expect(body.candidates).toHaveLength(1);
      const [c] = body.candidates;
      const bytes = new Uint8Array(Buffer.from(c?.bytes ?? '', 'base64'));
      expect(decodeIspProfile(bytes).maxGain).toBe(16);
      expect(c?.manifest).toMatchObject({
        kind: 'isp_profile',
        name: 'isp-night-budget-10hz',
        version: '1.20459.0',
      });
      expect(c?.manifest.sha256).toBe(sha256Hex(bytes));
      expect(c?.manifest.keyId).toBeUndefined();
      const all = JSON.parse((await handler()(get(OPERATOR, { all: 'true' }), {} as Context)).body as string);
      expect(all.candidates).toHaveLength(2);
    },
  );
});
