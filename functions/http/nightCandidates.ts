import { type IspProfileCandidate, unsignedIspProfileArtefact } from '../../lib/night/calibration.ts';
import type { NightGroup } from '../../lib/night/nightRollup.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { type AuthDeps, requireOperator } from './auth.ts';
import { httpHandler, json } from './httpKit.ts';

/** The candidates a handler reads (NightStore; a fake in tests). */
export interface NightCandidateSource {
  groups(): Promise<NightGroup[]>;
  candidates(group: NightGroup): Promise<IspProfileCandidate[]>;
}

/**
 * `GET /v1/night/candidates` (operator; `?all=true` for every version, default the newest per
 * camera model and firmware): the night calibration's profile candidates, each as the bytes to
 * sign (base64) and the manifest fields without a key — what `dashnet artefact publish` takes
 * (docs/night-vision.md). The cloud signs nothing: release keys stay offline.
 */
export function createNightCandidatesHandler(
  deps: AuthDeps & Pick<AppDeps, 'night'>,
  source: NightCandidateSource = deps.night,
) {
  return httpHandler(async (event) => {
    await requireOperator(event, deps);
    const all = event.queryStringParameters?.all === 'true';
    const out: unknown[] = [];
    for (const group of await source.groups()) {
      const versions = await source.candidates(group);
      for (const c of all ? versions : versions.slice(-1)) {
        const { bytes, manifest } = unsignedIspProfileArtefact(c);
        out.push({ manifest, bytes: Buffer.from(bytes).toString('base64'), profile: c.profile });
      }
    }
    return json(200, { candidates: out }, { 'cache-control': 'no-store' });
  });
}

export const handler = lambdaEntry(createNightCandidatesHandler, 'nightCandidates');
