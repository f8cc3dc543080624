import { describe, expect, it } from 'vitest';
import type { ArtefactManifest } from '../contract/artefact.ts';
import { cohortBucket, inCandidateCohort } from './cohort.ts';
import { chooseVersion } from './offer.ts';
import type { ArtefactLine } from './registry.ts';

const manifest = (version: string, compatibility: ArtefactManifest['compatibility']): ArtefactManifest => ({
  schema: 1,
  kind: 'model',
  name: 'badas',
  version,
  sha256: '0'.repeat(64),
  size: 1,
  compatibility,
  provenance: {},
  createdAt: '2026-01-01T00:00:00Z',
  keyId: '0'.repeat(16),
});
const manifests = new Map([
  ['1.0.0', manifest('1.0.0', { cameraModels: ['*'] })],
  ['1.1.0', manifest('1.1.0', { cameraModels: ['cm-a'], minFirmware: '2.0.0' })],
]);
const line: ArtefactLine = {
  kind: 'model',
  name: 'badas',
  current: '1.0.0',
  candidate: '1.1.0',
  stage: 1,
  rolledBack: [],
  latest: '1.1.0',
  revision: 4,
  history: [],
};
const devices = Array.from({ length: 3000 }, (_, i) => `d${i}`);
const inside = devices.find((d) => inCandidateCohort(cohortBucket(d, line), 1))!;
const outside = devices.find((d) => !inCandidateCohort(cohortBucket(d, line), 1))!;

describe('chooseVersion', () => {
  it('offers the candidate inside the stage cohort and the current version to the control', () => {
    expect(chooseVersion(line, inside, (v) => manifests.get(v))).toMatchObject({
      version: '1.1.0',
      cohort: 'candidate',
      stagePercent: 10,
    });
    expect(chooseVersion(line, outside, (v) => manifests.get(v))).toMatchObject({
      version: '1.0.0',
      cohort: 'control',
    });
  });

  it('falls back to the current version when the camera cannot run the candidate', () => {
    const get = (v: string) => manifests.get(v);
    expect(chooseVersion(line, inside, get, { cameraModel: 'cm-b' })?.version).toBe('1.0.0');
    expect(chooseVersion(line, inside, get, { cameraModel: 'cm-a', firmware: '1.9.9' })?.version).toBe(
      '1.0.0',
    );
    expect(chooseVersion(line, inside, get, { cameraModel: 'cm-a', firmware: '2.0.0' })?.version).toBe(
      '1.1.0',
    );
  });

  it('offers nothing when no version fits', () => {
    const { current: _none, ...first } = line;
    expect(chooseVersion(first, outside, (v) => manifests.get(v))).toBeUndefined();
  });
});
