import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Random } from '../core/random.ts';
import { parseHttpDate } from '../core/time.ts';
import type { Gzip, Transport, TransportRequest } from '../core/transport.ts';
import type { DurableQueue } from './durableQueue.ts';

/** Settings of {@link Uplink}. */
export interface UplinkConfig {
  /** Base URL of the API, e.g. `http://127.0.0.1:8787`. */
  apiUrl: string;
  /** Device token: travels only in the Authorization header, never in a body. */
  deviceToken: string;
  /** First retry waits up to this long… */
  baseBackoffMs: number;
  /** …doubling per failure up to this cap (AWS "exponential backoff and jitter" guidance). */
  maxBackoffMs: number;
  /** A `Retry-After` longer than this is clamped: a misconfigured server must not mute a camera for days. */
  maxRetryAfterMs: number;
}

/** Defaults: 1 s base, 5 min cap, Retry-After honoured up to an hour. */
export const DEFAULT_UPLINK: Omit<UplinkConfig, 'apiUrl' | 'deviceToken'> = {
  baseBackoffMs: 1000,
  maxBackoffMs: 300_000,
  maxRetryAfterMs: 3_600_000,
};

/** What one {@link Uplink.pump} did. */
export type PumpResult = 'empty' | 'waiting' | 'sent' | 'retry' | 'poison';

/** Counters for the device log and tests. */
export interface UplinkStats {
  sent: number;
  failures: number;
  throttled: number;
  poisoned: number;
}

/**
 * Sends queued batches, one at a time, oldest first. A batch leaves the queue only when the
 * cloud answered 2xx (accepted; duplicates are fine because ids are stable) or refused it as
 * malformed (400/413/422: poison, dropped and counted so it never blocks the queue). Network
 * errors, 5xx, 401/403 and 408 back off exponentially with full jitter; 429 waits exactly
 * `Retry-After`.
 */
export class Uplink {
  readonly stats: UplinkStats = { sent: 0, failures: 0, throttled: 0, poisoned: 0 };
  private attempt = 0;
  private notBeforeMs = 0;
  private busy = false;

  constructor(
    private readonly queue: DurableQueue,
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly config: UplinkConfig,
    private readonly gzip?: Gzip,
  ) {}

  /** Earliest time the next attempt may be made. */
  get nextAttemptAtMs(): number {
    return this.notBeforeMs;
  }

  /** Tries to send the oldest batch, if allowed now. Never throws. */
  async pump(): Promise<PumpResult> {
    if (this.busy || this.clock.nowMs() < this.notBeforeMs) return 'waiting';
    const batch = this.queue.peek();
    if (!batch) return 'empty';
    this.busy = true;
    try {
      const res = await this.transport(this.request(batch.body));
      const status = res.status;
      if (status >= 200 && status < 300) {
        this.queue.ack(batch.seq);
        this.attempt = 0;
        this.stats.sent++;
        return 'sent';
      }
      if (status === 429) {
        this.stats.throttled++;
        this.notBeforeMs = this.clock.nowMs() + this.retryAfterMs(res.headers['retry-after']);
        return 'retry';
      }
      if (status === 400 || status === 413 || status === 422) {
        this.logger.warn('batch refused as malformed; dropped', { status });
        this.queue.ack(batch.seq);
        this.stats.poisoned++;
        return 'poison';
      }
      this.backoff(`http ${status}`);
      return 'retry';
    } catch (err) {
      this.backoff((err as Error).message ?? 'network error');
      return 'retry';
    } finally {
      this.busy = false;
    }
  }

  private request(body: string): TransportRequest {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.config.deviceToken}`,
      'content-type': 'application/json',
    };
    if (this.gzip) {
      headers['content-encoding'] = 'gzip';
      return { url: `${this.config.apiUrl}/v1/telemetry`, headers, body: this.gzip(body) };
    }
    return { url: `${this.config.apiUrl}/v1/telemetry`, headers, body };
  }

  private backoff(reason: string): void {
    this.stats.failures++;
    this.attempt++;
    const capMs = Math.min(
      this.config.maxBackoffMs,
      this.config.baseBackoffMs * 2 ** Math.min(this.attempt - 1, 30),
    );
    // Full jitter: a fleet coming back from the same outage must not retry in lock-step.
    this.notBeforeMs = this.clock.nowMs() + Math.floor(this.random.next() * capMs);
    this.logger.warn('uplink attempt failed', { reason, attempt: this.attempt });
  }

  private retryAfterMs(header: string | undefined): number {
    const fallback = this.config.baseBackoffMs;
    if (header === undefined) return fallback;
    const trimmed = header.trim();
    let ms: number;
    if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
    else {
      const at = parseHttpDate(trimmed);
      ms = at === undefined ? fallback : at - this.clock.nowMs();
    }
    return Math.min(Math.max(ms, 0), this.config.maxRetryAfterMs);
  }
}
