import { describe, expect, it } from 'vitest';
import type { ArtefactManifest } from '../contract/artefact.ts';
import { OtaError } from './otaError.ts';
import { type ArtefactLine, applyPromote, applyPublish, applyRollback, versionStatus } from './registry.ts';

const op = { role: 'operator', id: 'root' };
const manifest = (version: string): ArtefactManifest => ({
  schema: 1,
  kind: 'model',
  name: 'badas',
  version,
  sha256: '0'.repeat(64),
  size: 1,
  compatibility: { cameraModels: ['*'] },
  provenance: {},
  createdAt: '2026-01-01T00:00:00Z',
  keyId: '0'.repeat(16),
});
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof OtaError ? err.code : 'other';
  }
  return 'none';
};

function completeOne(): ArtefactLine {
  let line = applyPublish(undefined, manifest('1.0.0'), op, 1);
  line = applyPromote(line, '1.0.0', op, 2, 3);
  return line;
}

describe('artefact registry transitions', () => {
  it('publishes only above the current version, unless it is a signed rollback of it', () => {
    const line = completeOne();
    expect(code(() => applyPublish(line, manifest('1.0.0'), op, 2))).toBe('ALREADY_PUBLISHED');
    expect(code(() => applyPublish(line, manifest('0.9.0'), op, 2))).toBe('NOT_NEWER');
    expect(applyPublish(line, manifest('1.1.0'), op, 2).latest).toBe('1.1.0');
    const rollback = { ...manifest('0.9.1'), provenance: { rollback: true, replaces: '1.0.0' } };
    const stale = { ...manifest('0.9.1'), provenance: { rollback: true, replaces: '0.8.0' } };
    expect(code(() => applyPublish(line, stale, op, 2))).toBe('NOT_NEWER');
    const withRollback = applyPublish(line, rollback, op, 2);
    expect(withRollback.latest).toBe('1.0.0');
    expect(code(() => applyPromote(withRollback, '0.9.1', op, 3))).toBe('NOT_NEWER');
    expect(applyPromote(withRollback, '0.9.1', op, 3, 3, 'withdraw 1.0.0', true).current).toBe('0.9.1');
  });

  it('accepts a fix below a rolled-back candidate but above the current version', () => {
    let line = applyPublish(completeOne(), manifest('1.2.0'), op, 3);
    line = applyRollback(applyPromote(line, '1.2.0', op, 4), '1.2.0', op, 5);
    line = applyPublish(line, manifest('1.1.0'), op, 6);
    expect(applyPromote(line, '1.1.0', op, 7).candidate).toBe('1.1.0');
  });

  it('walks a candidate through the stages to complete, superseding the previous version', () => {
    let line = applyPublish(completeOne(), manifest('1.1.0'), op, 3);
    line = applyPromote(line, '1.1.0', op, 4);
    expect([line.candidate, line.stage, line.stageStartedAtMs]).toEqual(['1.1.0', 0, 4]);
    line = applyPromote(line, '1.1.0', op, 5);
    expect(line.stage).toBe(1);
    line = applyPromote(line, '1.1.0', op, 6, 3);
    expect([line.current, line.candidate, line.stage]).toEqual(['1.1.0', undefined, undefined]);
    expect(versionStatus(line, '1.1.0')).toBe('complete');
    expect(versionStatus(line, '1.0.0')).toBe('superseded');
    expect(line.history.map((e) => e.action)).toEqual([
      'publish',
      'complete',
      'publish',
      'start',
      'advance',
      'complete',
    ]);
  });

  it('rolls back a candidate and never promotes it again', () => {
    let line = applyPublish(completeOne(), manifest('1.1.0'), op, 3);
    line = applyPromote(line, '1.1.0', op, 4);
    line = applyRollback(line, '1.1.0', op, 5, 'alerts ×3');
    expect(versionStatus(line, '1.1.0')).toBe('rolled_back');
    expect(line.current).toBe('1.0.0');
    expect(code(() => applyPromote(line, '1.1.0', op, 6))).toBe('CONFLICT');
  });

  it('refuses a second rollout while one runs, a stage out of range, and rolling back a complete version', () => {
    let line = applyPublish(completeOne(), manifest('1.1.0'), op, 3);
    line = applyPublish(line, manifest('1.2.0'), op, 3);
    line = applyPromote(line, '1.1.0', op, 4);
    expect(code(() => applyPromote(line, '1.2.0', op, 5))).toBe('ROLLOUT_IN_PROGRESS');
    expect(code(() => applyPromote(line, '1.1.0', op, 5, 7))).toBe('BAD_STAGE');
    expect(code(() => applyPromote(line, '1.1.0', op, 5, 0))).toBe('BAD_STAGE');
    expect(code(() => applyRollback(line, '1.0.0', op, 5))).toBe('CONFLICT');
    expect(code(() => applyRollback(line, '1.2.0', op, 5))).toBe('NOT_ROLLING_OUT');
    expect(line.revision).toBe(5);
  });
});
