import { sweepExpired } from '../functions/adapters/retentionSweeper.ts';
import type { AppDeps } from '../functions/runtime/deps.ts';
import { rollupBaselines } from '../functions/scheduled/baselineRollup.ts';
import { exportDepsFromEnv, runScheduledExports } from '../functions/scheduled/insightsExport.ts';
import { rollupInsights } from '../functions/scheduled/insightsRollup.ts';
import { createDeletionWorker } from '../functions/stream/deletionWorker.ts';
import { SCHEDULES } from '../lib/api/functions.ts';
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
 * What AWS does on its own schedule, done locally on timers: the deletion worker (on AWS a
 * scheduled Lambda of the same module) and the TTL sweep (on AWS DynamoDB TTL). Runs never
 * overlap; `stop` waits for a run in progress.
 */
export function startBackgroundJobs(deps: AppDeps, deletionIntervalMs: number, log: (line: string) => void) {
  const runDeletions = createDeletionWorker(deps);
  const tables = TABLES.map((def) => ({ def, name: deps.names[TABLE_NAME_OF[def.id]!] }));
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const guard = (what: string, job: () => Promise<unknown>) => () => {
    if (stopped) return;
    running = running.then(job).catch((err: unknown) => log(`${what}: ${String(err)}`));
  };
  const timers = [
    ...(deletionIntervalMs > 0
      ? [setInterval(guard('deletion worker', runDeletions), deletionIntervalMs)]
      : []),
    setInterval(
      guard('baseline rollup', () => rollupBaselines(deps, deps.clock())),
      rollupEveryMs(SCHEDULES.baselineRollup?.localEveryS, 60),
    ),
    setInterval(
      guard('insights rollup', () => rollupInsights(deps, deps.clock())),
      rollupEveryMs(SCHEDULES.insightsRollup?.localEveryS, 60),
    ),
    setInterval(
      guard('insurer exports', () => runScheduledExports(deps, exportDepsFromEnv(), deps.clock())),
      (SCHEDULES.insightsExport?.localEveryS ?? 3600) * 1000,
    ),
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
      await running;
    },
  };
}
