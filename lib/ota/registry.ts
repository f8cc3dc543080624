import { type ArtefactKind, type ArtefactManifest, compareVersions } from '../contract/artefact.ts';
import { FINAL_STAGE } from './cohort.ts';
import { OtaError } from './otaError.ts';

/** Who did something to the registry: an operator, a staff member, or the rollout controller. */
export interface Actor {
  role: string;
  id: string;
}

/** The actor of automatic decisions. */
export const CONTROLLER_ACTOR: Actor = { role: 'system', id: 'rollout-controller' };

/** One published version: the signed manifest, where its bytes are, who published it and when. */
export interface ArtefactVersionRecord {
  kind: ArtefactKind;
  name: string;
  version: string;
  manifest: ArtefactManifest;
  /** Ed25519 signature over the manifest's canonical bytes, hex (verified before it was stored). */
  signature: string;
  /** Key of the bytes in the artefact store (S3 or the data directory). */
  blobKey: string;
  publishedAtMs: number;
  publishedBy: Actor;
}

/** Something that happened to a line: kept on the line (recent ones) and in the audit log (all). */
export interface LineEvent {
  action: 'publish' | 'start' | 'advance' | 'set_stage' | 'complete' | 'rollback';
  version: string;
  atMs: number;
  by: Actor;
  fromStage?: number;
  toStage?: number;
  /** Why: the controller's verdict, an operator's note. */
  reason?: string;
}

/**
 * The state of an artefact line (one kind and name): which version everyone runs (`current`, the
 * control of a rollout), which one is rolling out (`candidate`) at which stage since when, which
 * versions were rolled back, and the highest version ever published (versions only go up).
 */
export interface ArtefactLine {
  kind: ArtefactKind;
  name: string;
  current?: string;
  candidate?: string;
  /** Stage index of the candidate (see `ROLLOUT_STAGES_BUCKETS`). */
  stage?: number;
  /** When the candidate reached its stage: evidence for the next step is counted from here. */
  stageStartedAtMs?: number;
  rolledBack: string[];
  latest: string;
  /** Optimistic concurrency: every change is a conditional write on the previous revision. */
  revision: number;
  /** The most recent events, newest last (the audit log keeps all of them). */
  history: LineEvent[];
}

/** The state of one version, derived from its line (never stored twice). */
export type VersionStatus = 'published' | 'rolling_out' | 'complete' | 'rolled_back' | 'superseded';

/** How many events a line keeps in its own history. */
export const LINE_HISTORY_LENGTH = 50;

/** The status of `version` within `line`. */
export function versionStatus(line: ArtefactLine, version: string): VersionStatus {
  if (line.candidate === version) return 'rolling_out';
  if (line.current === version) return 'complete';
  if (line.rolledBack.includes(version)) return 'rolled_back';
  if (line.current && compareVersions(version, line.current) < 0) return 'superseded';
  return 'published';
}

const withEvent = (line: ArtefactLine, event: LineEvent, next: Partial<ArtefactLine>): ArtefactLine => ({
  ...line,
  ...next,
  revision: line.revision + 1,
  history: [...line.history, event].slice(-LINE_HISTORY_LENGTH),
});

/**
 * Whether a manifest is an explicit signed rollback of `current`: `provenance.rollback: true`
 * and `provenance.replaces` naming the version it replaces. Signed offline like any release, so
 * only the release key can make one, and it names what it replaces, so it cannot be replayed
 * against a fleet that has moved on (the camera applies the same rule, edge/ota/updater.ts).
 */
export function isSignedRollback(manifest: ArtefactManifest, current: string | undefined): boolean {
  return (
    current !== undefined && manifest.provenance.rollback === true && manifest.provenance.replaces === current
  );
}

/**
 * The line after publishing `manifest`. A new version must lie above the line's current
 * (complete) version — unless it is an explicit signed rollback of it — so an old, validly signed
 * release can never be put back in front of the fleet by whoever holds the operator credential.
 * Versions between a rolled-back candidate and the current one stay allowed: the fix for a
 * withdrawn 1.2.0 may be 1.1.1 (cameras accept it: it is above their last good version).
 */
export function applyPublish(
  line: ArtefactLine | undefined,
  manifest: ArtefactManifest,
  by: Actor,
  nowMs: number,
): ArtefactLine {
  const base: ArtefactLine = line ?? {
    kind: manifest.kind,
    name: manifest.name,
    rolledBack: [],
    latest: manifest.version,
    revision: 0,
    history: [],
  };
  if (line) {
    if (compareVersions(manifest.version, line.latest) === 0)
      throw new OtaError('ALREADY_PUBLISHED', `${manifest.name} ${manifest.version} is already published`);
    if (
      line.current &&
      compareVersions(manifest.version, line.current) <= 0 &&
      !isSignedRollback(manifest, line.current)
    )
      throw new OtaError(
        'NOT_NEWER',
        `${manifest.name} ${manifest.version} is not above the current ${line.current} (nor a signed rollback of it)`,
        '/manifest/version',
      );
  }
  const latest = line && compareVersions(line.latest, manifest.version) > 0 ? line.latest : manifest.version;
  return withEvent(base, { action: 'publish', version: manifest.version, atMs: nowMs, by }, { latest });
}

/**
 * The line after promoting `version`: starts its rollout at the first stage, advances it one
 * stage, or sets the stage `toStage` (0..3). Reaching the last stage (100 %) completes it: the
 * version becomes `current`. Refused when another version is rolling out, when the version is not
 * above `current`, or when it was rolled back (publish a new version instead).
 */
export function applyPromote(
  line: ArtefactLine,
  version: string,
  by: Actor,
  nowMs: number,
  toStage?: number,
  reason?: string,
  /** The version is an explicit signed rollback of the current one ({@link isSignedRollback}). */
  signedRollback = false,
): ArtefactLine {
  if (compareVersions(version, line.latest) > 0) throw new OtaError('NOT_FOUND', `no version ${version}`);
  if (line.rolledBack.includes(version))
    throw new OtaError('CONFLICT', `${version} was rolled back; publish a new version`);
  if (line.current === version) throw new OtaError('CONFLICT', `${version} is already complete`);
  if (line.candidate && line.candidate !== version)
    throw new OtaError(
      'ROLLOUT_IN_PROGRESS',
      `${line.candidate} is rolling out; roll it back or complete it first`,
    );
  const rolling = line.candidate === version;
  // Checked when a rollout starts (the current version does not change while it runs).
  if (!rolling && !signedRollback && line.current && compareVersions(version, line.current) <= 0)
    throw new OtaError('NOT_NEWER', `${version} is not above the current ${line.current}`);
  const from = rolling ? (line.stage ?? 0) : undefined;
  const to = toStage ?? (from === undefined ? 0 : from + 1);
  if (!Number.isInteger(to) || to < 0 || to > FINAL_STAGE)
    throw new OtaError('BAD_STAGE', `stage must be 0..${FINAL_STAGE}`, '/stage');
  if (to === from) throw new OtaError('BAD_STAGE', `${version} is already at stage ${to}`, '/stage');
  const event: LineEvent = {
    action:
      to === FINAL_STAGE
        ? 'complete'
        : from === undefined
          ? 'start'
          : toStage === undefined
            ? 'advance'
            : 'set_stage',
    version,
    atMs: nowMs,
    by,
    ...(from !== undefined ? { fromStage: from } : {}),
    toStage: to,
    ...(reason ? { reason } : {}),
  };
  if (to === FINAL_STAGE) {
    const { candidate: _c, stage: _s, stageStartedAtMs: _t, ...rest } = line;
    return withEvent({ ...rest, rolledBack: line.rolledBack }, event, { current: version });
  }
  return withEvent(line, event, { candidate: version, stage: to, stageStartedAtMs: nowMs });
}

/**
 * The line after rolling back its candidate `version`: the cohort returns to `current` at the
 * cameras' next poll. A complete version cannot be rolled back here (the fleet would have to
 * accept a downgrade): publish a higher version that re-issues the previous bytes.
 */
export function applyRollback(
  line: ArtefactLine,
  version: string,
  by: Actor,
  nowMs: number,
  reason?: string,
): ArtefactLine {
  if (line.candidate !== version) {
    if (line.current === version)
      throw new OtaError(
        'CONFLICT',
        `${version} is complete; publish a higher version re-issuing the previous bytes (docs/ota.md)`,
      );
    throw new OtaError('NOT_ROLLING_OUT', `${version} is not rolling out`);
  }
  const { candidate: _c, stage: _s, stageStartedAtMs: _t, ...rest } = line;
  const event: LineEvent = {
    action: 'rollback',
    version,
    atMs: nowMs,
    by,
    ...(line.stage !== undefined ? { fromStage: line.stage } : {}),
    ...(reason ? { reason } : {}),
  };
  return withEvent({ ...rest, rolledBack: [...line.rolledBack, version] }, event, {});
}
