import middy from '@middy/core';
import { devicePseudonymsByDay } from '../../lib/privacy/dayPseudonyms.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { DELETION_PHASES } from '../adapters/deletionStore.ts';
import { DeviceDataSweeper } from '../adapters/deviceDataSweeper.ts';
import { DAY_KEY_RETENTION_S } from '../adapters/identityStore.ts';
import type { AppDeps, ResourceNames } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { logger, observability } from '../runtime/observability.ts';

/** Error family of the deletion worker. */
export class DeletionWorkerError extends Error {
  override readonly name = 'DeletionWorkerError';
  constructor(
    readonly code: 'SIMULATED_CRASH',
    message: string,
  ) {
    super(message);
  }
}

export interface DeletionWorkerOptions {
  /** Test hook: throw after erasing this many pages but before recording them (a crash). */
  crashAfterPages?: number;
  pageSize?: number;
}

/**
 * What the deletion worker reaches: the jobs (Identity), the day keys (Identity), the audit log,
 * and the three tables a device's pseudonymous records live in, swept through the raw client.
 */
export type DeletionWorkerDeps = Pick<
  AppDeps,
  'clients' | 'deletions' | 'identity' | 'audit' | 'hmac' | 'clock'
> & {
  names: Pick<ResourceNames, 'bucketsTable' | 'ingestTable' | 'insightsRawTable'>;
};

/**
 * The device's pseudonyms of every day whose key still exists: what its raw items carry. Day
 * keys live {@link DAY_KEY_RETENTION_S}; a day older than that has no key left to find, so the
 * walk stops there (one day more, for a key whose TTL deletion lags).
 */
export async function livePseudonyms(
  deps: Pick<AppDeps, 'identity' | 'hmac'>,
  deviceId: string,
  nowMs: number,
): Promise<string[]> {
  const lookbackMs = (Math.ceil(DAY_KEY_RETENTION_S / 86_400) + 1) * 86_400_000;
  const days = await devicePseudonymsByDay(
    { dayKeys: deps.identity, hmac: deps.hmac },
    deviceId,
    { fromMs: nowMs - lookbackMs, toMs: nowMs },
    nowMs,
  );
  return days.map((d) => d.pseudonym);
}

/**
 * Runs the queued deletion jobs. Each job, table by table and page by page: scan for items
 * carrying the device's pseudonyms, write the page's keys to the job (`pending`), erase them,
 * then add their count to `deletedItems` and advance the cursor. A crash anywhere leaves
 * either a cursor to continue from or a pending page to erase again (erasing is idempotent),
 * so a resumed job finishes with the exact count. On AWS this runs on a schedule (and may be
 * invoked asynchronously after a request); locally the stack runs it on an interval.
 */
export function createDeletionWorker(deps: DeletionWorkerDeps, opts: DeletionWorkerOptions = {}) {
  const sweeper = new DeviceDataSweeper(
    deps.clients.ddb,
    {
      Buckets: deps.names.bucketsTable,
      Ingest: deps.names.ingestTable,
      InsightsRaw: deps.names.insightsRawTable,
    },
    opts.pageSize,
  );
  let pagesLeft = opts.crashAfterPages ?? Number.POSITIVE_INFINITY;

  async function runJob(requestId: string): Promise<void> {
    let job = await deps.deletions.get(requestId);
    if (!job || job.status === 'done') return;
    if (!job.pseudonyms) {
      const pseudonyms = job.deviceId ? await livePseudonyms(deps, job.deviceId, deps.clock()) : [];
      await deps.deletions.progress(requestId, { pseudonyms, phase: DELETION_PHASES[0]! });
      job = { ...job, pseudonyms, phase: DELETION_PHASES[0]! };
    }
    const pseudonyms = job.pseudonyms ?? [];
    if (job.pending && job.phase) {
      const keys = JSON.parse(job.pending) as Record<string, string>[];
      await sweeper.erase(job.phase, keys, pseudonyms);
      job.deletedItems += keys.length;
      await deps.deletions.progress(requestId, { pending: undefined, deletedItems: job.deletedItems });
    }
    if (pseudonyms.length > 0) {
      let phaseIndex = DELETION_PHASES.indexOf(job.phase ?? DELETION_PHASES[0]!);
      let cursor = job.cursor;
      while (phaseIndex < DELETION_PHASES.length) {
        const phase = DELETION_PHASES[phaseIndex]!;
        // Resuming a phase without a cursor rescans it from the start: items already erased no
        // longer match the filter, so nothing is counted twice.
        const page = await sweeper.scanPage(phase, pseudonyms, cursor);
        if (page.keys.length > 0) {
          await deps.deletions.progress(requestId, { pending: JSON.stringify(page.keys) });
          await sweeper.erase(phase, page.keys, pseudonyms);
          if (--pagesLeft <= 0) throw new DeletionWorkerError('SIMULATED_CRASH', 'crash injected by a test');
          job.deletedItems += page.keys.length;
        }
        if (page.next) {
          cursor = page.next;
          await deps.deletions.progress(requestId, {
            pending: undefined,
            cursor,
            deletedItems: job.deletedItems,
          });
        } else {
          phaseIndex++;
          cursor = undefined;
          const nextPhase = DELETION_PHASES[phaseIndex];
          await deps.deletions.progress(requestId, {
            pending: undefined,
            cursor: undefined,
            deletedItems: job.deletedItems,
            ...(nextPhase ? { phase: nextPhase } : {}),
          });
        }
      }
    }
    // Audited before the job is marked done: a crash between the two repeats the entry on the
    // resumed run, where the other order would lose it (a done job is never visited again).
    await deps.audit.append({
      at: isoOf(deps.clock()),
      actor: { role: 'system', id: 'deletion-worker' },
      action: 'privacy.deletion.done',
      target: `deletion:${requestId}`,
      details: { deletedItems: job.deletedItems },
    });
    await deps.deletions.finish(job, deps.clock());
  }

  /** Runs every queued job once; returns how many it finished. */
  return async function runQueued(): Promise<number> {
    let finished = 0;
    for (const id of await deps.deletions.queued()) {
      await runJob(id);
      finished++;
    }
    return finished;
  };
}

/** The scheduled Lambda: drains the deletion queue. */
export const handler = lambdaEntry((deps: DeletionWorkerDeps) => {
  const run = createDeletionWorker(deps);
  return middy<unknown, { finished: number }>()
    .use(observability())
    .handler(async () => {
      const finished = await run();
      if (finished > 0) logger().info('deletion jobs finished', { finished });
      return { finished };
    });
}, 'deletionWorker');
