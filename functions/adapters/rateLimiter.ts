import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** Requests per fixed window. */
export interface RateLimit {
  limit: number;
  windowS: number;
}

export interface RateLimits {
  device: RateLimit;
  insurer: RateLimit;
  /** Failed credentials per source address; optional so older callers keep compiling. */
  authFailure?: RateLimit;
}

/**
 * Defaults: a camera sends a batch every 30–60 s, so 120 requests a minute leaves a 60×
 * margin for retries and catch-up after a dead zone; an insurer's dashboard a few queries a
 * second. Failed credentials: 60 a minute per source address. Legitimate failures are rare (a
 * revoked or rotated camera retrying with backoff), but cellular carriers put many cameras
 * behind one address (CGNAT), so the bound is loose: it slows a guesser, it must not lock out
 * a carrier's other cameras for more than the window.
 */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  device: { limit: 120, windowS: 60 },
  insurer: { limit: 600, windowS: 60 },
  authFailure: { limit: 60, windowS: 60 },
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * How long {@link RateLimiter.exhausted} trusts a read: a lockout decided by another container
 * starts at most this late here (one this container decides starts at once). Behind a carrier's
 * NAT, hundreds of cameras share a source address; without it every POST would pay a read.
 */
const EXHAUSTED_CACHE_MS = 5_000;
/** Sources remembered at most; the memory is cleared when full (it is only a cache). */
const EXHAUSTED_CACHE_MAX = 10_000;

/**
 * Fixed-window counters in DynamoDB: one conditional UpdateItem (`ADD n :1` only while
 * `n < limit`) per request, so the check and the count are one atomic write, shared by every
 * concurrent Lambda. Counters expire by TTL a few minutes after their window.
 * Keys never name a device: callers pass the device's pseudonym of the day.
 */
export class RateLimiter {
  /** Recent {@link exhausted} answers by counter key: until when each holds. */
  private readonly known = new Map<string, { untilMs: number; allowed: boolean }>();

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly limits: RateLimits,
  ) {}

  /** The limit of `kind` (the default when the limiter was built without one). */
  limitOf(kind: keyof RateLimits): RateLimit {
    return this.limits[kind] ?? DEFAULT_RATE_LIMITS[kind];
  }

  /** Counts one request of `subject` under `kind`'s limit at `nowMs`. */
  async hit(kind: keyof RateLimits, subject: string, nowMs: number): Promise<RateDecision> {
    const { limit, windowS } = this.limitOf(kind);
    const windowStartS = Math.floor(nowMs / 1000 / windowS) * windowS;
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${kind}#${subject}#${windowStartS}` },
          UpdateExpression: 'ADD n :one SET expiresAt = :e',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':e': windowStartS + windowS + 600 },
        }),
      );
      return { allowed: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Exhausted until the window ends: this container's checks know it without a read.
      this.remember(`${kind}#${subject}#${windowStartS}`, (windowStartS + windowS) * 1000, false);
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil(windowStartS + windowS - nowMs / 1000)) };
    }
  }

  private remember(key: string, untilMs: number, allowed: boolean): void {
    if (this.known.size >= EXHAUSTED_CACHE_MAX) this.known.clear();
    this.known.set(key, { untilMs, allowed });
  }

  /**
   * Whether `subject` has used up `kind`'s window at `nowMs`, without counting: one
   * eventually consistent GetItem, trusted for {@link EXHAUSTED_CACHE_MS} (a lockout may start
   * a moment late; it never starts early).
   */
  async exhausted(kind: keyof RateLimits, subject: string, nowMs: number): Promise<RateDecision> {
    const { limit, windowS } = this.limitOf(kind);
    const windowStartS = Math.floor(nowMs / 1000 / windowS) * windowS;
    const key = `${kind}#${subject}#${windowStartS}`;
    const retryAfterS = Math.max(1, Math.ceil(windowStartS + windowS - nowMs / 1000));
    const known = this.known.get(key);
    let allowed = known?.allowed;
    if (!known || nowMs >= known.untilMs) {
      const res = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: { pk: key } }));
      allowed = Number(res.Item?.n ?? 0) < limit;
      const windowEndMs = (windowStartS + windowS) * 1000;
      this.remember(key, allowed ? Math.min(windowEndMs, nowMs + EXHAUSTED_CACHE_MS) : windowEndMs, allowed);
    }
    return allowed ? { allowed: true } : { allowed: false, retryAfterS };
  }
}
