import { statfs } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { type HttpEvent, type HttpResult, withSecurityHeaders } from '../functions/http/httpKit.ts';
import { PROBLEM_TYPES } from '../lib/contract/problem.ts';

/**
 * Free space the data directory keeps in reserve by default: LevelDB compactions and the
 * stream's own writes need room after telemetry stops, and a full disk mid-compaction is what
 * corrupts a store.
 */
export const DEFAULT_DISK_RESERVE_BYTES = 128 * 1024 * 1024;
/** How long a free-space reading is trusted: one statfs a second, not one per request. */
const READING_TTL_MS = 1000;
/** What a refused camera is told: keep the batch, try again in this many seconds. */
export const DISK_FULL_RETRY_AFTER_S = 30;

export interface DiskGuardOptions {
  dataDir: string;
  /**
   * Bytes to keep free; `DASHNET_DISK_RESERVE_MB` overrides it (read at each check, so an
   * operator can lower it on a running stack), else {@link DEFAULT_DISK_RESERVE_BYTES}.
   */
  reserveBytes?: number;
  /** Free bytes of the directory's filesystem (tests pass a fake). */
  freeBytes?: (dir: string) => Promise<number>;
  clock?: () => number;
}

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

async function statfsFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Refuses new telemetry with a 503 problem+json and `Retry-After` while the data directory's
 * free space is below the reserve, so the stack stops taking writes before the emulators'
 * stores hit ENOSPC (and a camera keeps its batch and retries it later, as for any 503); it
 * accepts again as soon as space returns. Reads (hazards, stats) keep working.
 */
export function guardDisk(handler: Handler, opts: DiskGuardOptions): Handler {
  const freeBytes = opts.freeBytes ?? statfsFreeBytes;
  const clock = opts.clock ?? Date.now;
  let reading: { atMs: number; free: number } | undefined;
  const reserve = () => {
    const mb = Number(process.env.DASHNET_DISK_RESERVE_MB);
    if (process.env.DASHNET_DISK_RESERVE_MB !== undefined && mb >= 0) return mb * 1024 * 1024;
    return opts.reserveBytes ?? DEFAULT_DISK_RESERVE_BYTES;
  };
  return async (event, context) => {
    const now = clock();
    if (!reading || now - reading.atMs >= READING_TTL_MS) {
      reading = { atMs: now, free: await freeBytes(opts.dataDir).catch(() => Number.POSITIVE_INFINITY) };
    }
    if (reading.free >= reserve()) return handler(event, context);
    return {
      statusCode: 503,
      headers: withSecurityHeaders({
        'content-type': 'application/problem+json',
        'retry-after': String(DISK_FULL_RETRY_AFTER_S),
      }),
      body: JSON.stringify({
        type: PROBLEM_TYPES.unavailable,
        title: 'Service unavailable',
        status: 503,
        detail:
          'the data directory is nearly full: telemetry is refused until space returns; keep the batch and retry',
      }),
    };
  };
}
