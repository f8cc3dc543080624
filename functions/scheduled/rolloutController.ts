import { ARTEFACT_KINDS } from '../../lib/contract/artefact.ts';
import { FINAL_STAGE, stagePercent } from '../../lib/ota/cohort.ts';
import { OtaError } from '../../lib/ota/otaError.ts';
import { type ArtefactLine, applyPromote, applyRollback, CONTROLLER_ACTOR } from '../../lib/ota/registry.ts';
import {
  DEFAULT_ROLLOUT_POLICY,
  decideRollout,
  type RolloutDecision,
  type RolloutPolicy,
} from '../../lib/ota/rollout.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { ArtefactHealthStore } from '../adapters/artefactHealthStore.ts';
import type { ArtefactRegistryStore } from '../adapters/artefactRegistryStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger } from '../runtime/observability.ts';

/** What the controller is handed, mirroring its IAM grant: the registry, the health counts, the audit log, the clock. */
export type RolloutDeps = {
  artefacts: ArtefactRegistryStore;
  artefactHealth: ArtefactHealthStore;
} & Pick<AppDeps, 'audit' | 'clock'>;

/** The evidence on a line's candidate at its current stage; undefined when there is nothing to compare. */
export async function evaluateRollout(
  deps: Pick<RolloutDeps, 'artefactHealth'>,
  line: ArtefactLine,
  policy: RolloutPolicy = DEFAULT_ROLLOUT_POLICY,
): Promise<RolloutDecision | undefined> {
  // A first release has no control to compare with: an operator promotes it by hand.
  if (!line.candidate || !line.current || line.stage === undefined) return undefined;
  const { kind, name, candidate: c, stage } = line;
  const [candidate, control] = await Promise.all([
    deps.artefactHealth.strata(kind, name, c, stage, c),
    deps.artefactHealth.strata(kind, name, c, stage, line.current),
  ]);
  return decideRollout(candidate, control, policy);
}

/** One line's outcome in a controller run. */
export interface ControllerOutcome {
  kind: string;
  name: string;
  version: string;
  action: RolloutDecision['action'] | 'skipped' | 'conflict';
  fromStage?: number;
  toStage?: number;
  reason: string;
}

/**
 * One controller run: for every line with a candidate, decide from the health counts and apply
 * the decision without a person — advance a stage (the last one completes it) or roll back —
 * each applied as a conditional write on the line (an operator acting at the same moment wins;
 * the next run decides again) and appended to the audit log with its evidence.
 */
export async function runRolloutController(
  deps: RolloutDeps,
  policy: RolloutPolicy = DEFAULT_ROLLOUT_POLICY,
): Promise<ControllerOutcome[]> {
  const outcomes: ControllerOutcome[] = [];
  const lines = (await Promise.all(ARTEFACT_KINDS.map((k) => deps.artefacts.lines(k)))).flat();
  for (const line of lines) {
    if (!line.candidate) continue;
    const base = { kind: line.kind, name: line.name, version: line.candidate };
    const decision = await evaluateRollout(deps, line, policy);
    if (!decision) {
      outcomes.push({
        ...base,
        action: 'skipped',
        reason: 'no current version to compare with (first release)',
      });
      continue;
    }
    if (decision.action === 'wait') {
      outcomes.push({ ...base, action: 'wait', reason: decision.reason, ...stageOf(line) });
      continue;
    }
    const nowMs = deps.clock();
    const next =
      decision.action === 'rollback'
        ? applyRollback(line, line.candidate, CONTROLLER_ACTOR, nowMs, decision.reason)
        : applyPromote(line, line.candidate, CONTROLLER_ACTOR, nowMs, undefined, decision.reason);
    try {
      await deps.artefacts.putLine(next, line.revision);
    } catch (err) {
      if (err instanceof OtaError && err.code === 'CONFLICT') {
        outcomes.push({ ...base, action: 'conflict', reason: 'changed meanwhile; decided again next run' });
        continue;
      }
      throw err;
    }
    const toStage = decision.action === 'advance' ? Math.min(FINAL_STAGE, (line.stage ?? 0) + 1) : undefined;
    await deps.audit.append({
      at: isoOf(nowMs),
      actor: CONTROLLER_ACTOR,
      action: decision.action === 'rollback' ? 'artefact.rollback' : 'artefact.promote',
      target: `${line.kind}/${line.name}@${line.candidate}`,
      details: {
        automatic: true,
        fromStagePercent: stagePercent(line.stage ?? 0),
        ...(toStage !== undefined ? { toStagePercent: stagePercent(toStage) } : {}),
        reason: decision.reason.slice(0, 400),
        candidateExposureMin: Math.round(decision.candidateExposureMin),
        ...Object.fromEntries(
          decision.metrics.map((m) => [
            `${m.metric}RateRatio`,
            Number.isFinite(m.rateRatio) ? Number(m.rateRatio.toFixed(3)) : -1,
          ]),
        ),
      },
    });
    outcomes.push({
      ...base,
      action: decision.action,
      ...stageOf(line),
      ...(toStage !== undefined ? { toStage } : {}),
      reason: decision.reason,
    });
  }
  return outcomes;
}

const stageOf = (line: ArtefactLine) => (line.stage !== undefined ? { fromStage: line.stage } : {});

/** The scheduled function (SCHEDULES): one controller run per invocation. */
export function createRolloutControllerHandler(deps: RolloutDeps) {
  return async () => {
    const outcomes = await runRolloutController(deps);
    for (const o of outcomes) if (o.action !== 'wait') logger().info('rollout decision', { ...o });
    return { outcomes };
  };
}

export const handler = lambdaEntry(createRolloutControllerHandler, 'rolloutController');
