import { sweepExpired } from '../functions/adapters/retentionSweeper.ts';
import { SCHEDULED_JOBS } from '../functions/registry.ts';
import type { AppDeps } from '../functions/runtime/deps.ts';
import { SCHEDULES, type ScheduledFunctionId } from '../lib/api/functions.ts';
import { TABLES } from '../lib/resources.ts';
import { TABLE_NAME_OF } from './provision.ts';

/** The retention sweep runs this often locally (DynamoDB TTL itself works within ~48 h). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * `DASHNET_ROLLUP_EVERY_MS` runs both rollups this often instead of their schedule: the crash
 * harness needs rollups in progress within seconds of a start to kill one mid-way.
 */
function rollupEveryMs(scheduledS: number | undefined, fallbackS: number): number {
  const override = Number(process.env.DASHNET_ROLLUP_EVERY_MS);
  return override > 0 ? override : (scheduledS ?? fallbackS) * 1000;
}

/**
 * What AWS does on its own schedule, done locally on timers: every scheduled function (on AWS
 * an EventBridge rule invokes the same module) and the TTL sweep (on AWS DynamoDB TTL). A job's
 * runs never overlap each other; different jobs run side by side; `stop` waits for runs in progress.
 */
export function startBackgroundJobs(deps: AppDeps, deletionIntervalMs: number, log: (line: string) => void) {
  const tables = TABLES.map((def) => ({ def, name: deps.names[TABLE_NAME_OF[def.id]!] }));
  // One chain per job: a run never overlaps the same job's previous run, but one slow job (a
  // long scan, a big rollup) does not hold the others back — on AWS each is its own Lambda.
  const running = new Map<string, Promise<unknown>>();
  let stopped = false;
  const guard = (what: string, job: () => Promise<unknown>) => () => {
    if (stopped) return;
    running.set(
      what,
      (running.get(what) ?? Promise.resolve())
        .then(job)
        .catch((err: unknown) => log(`${what}: ${String(err)}`)),
    );
  };
  // Every scheduled function of FUNCTIONS, at its local interval; the deletion worker at the
  // caller's (0: off), the rollups at DASHNET_ROLLUP_EVERY_MS when set.
  const intervalMs = (id: ScheduledFunctionId): number => {
    if (id === 'deletionWorker') return deletionIntervalMs;
    if (id === 'baselineRollup' || id === 'insightsRollup')
      return rollupEveryMs(SCHEDULES[id].localEveryS, 60);
    return SCHEDULES[id].localEveryS * 1000;
  };
  const timers = [
    ...(Object.keys(SCHEDULED_JOBS) as ScheduledFunctionId[]).flatMap((id) => {
      const every = intervalMs(id);
      return every > 0 ? [setInterval(guard(id, SCHEDULED_JOBS[id](deps)), every)] : [];
    }),
    setInterval(
      guard('retention sweep', () => sweepExpired(deps.clients.ddb, tables, deps.clock())),
      SWEEP_INTERVAL_MS,
    ),
  ];
  for (const t of timers) t.unref();
  return {
    stop: async () => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(running.values());
    },
  };
}
