import type { TelemetryEvent } from '../../lib/contract/events.ts';
import type { TelemetryEnvelope } from '../../lib/contract/telemetry.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { type Random, randomUuid } from '../core/random.ts';
import { floorTo } from '../core/time.ts';

/** Limits of {@link Batcher}. */
export interface BatcherConfig {
  /** Contract limit is 1000 events per batch; 500 keeps retries cheap on a weak uplink. */
  maxEvents: number;
  /** Contract body limit is 1 MiB; 256 KiB keeps a batch one short cellular burst. */
  maxBytes: number;
  /** The cloud should see exposure and hazards within a minute, not at trip end. */
  maxAgeMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_BATCHER: BatcherConfig = { maxEvents: 500, maxBytes: 256 * 1024, maxAgeMs: 60_000 };

/**
 * Groups events into `POST /v1/telemetry` bodies by count, size and age. A closed batch is
 * serialised once, with its `batchId`, and never rebuilt: a retry resends the same bytes, so
 * the batch id and every event id stay stable (the cloud deduplicates on them).
 */
export class Batcher {
  private events: TelemetryEvent[] = [];
  private bytes = 0;
  private openedAtMs: number | undefined;

  /**
   * @param runningArtefacts the over-the-air artefacts the camera runs (the updater's
   *   `running()`): each batch names them, so a staged rollout can compare cohorts. Absent or
   *   empty: the envelope carries no `artefacts` field.
   */
  constructor(
    private readonly random: Random,
    private readonly config: BatcherConfig = DEFAULT_BATCHER,
    private readonly runningArtefacts?: () => NonNullable<TelemetryEnvelope['artefacts']>,
  ) {}

  /** Marks the batch as holding content from `nowMs` (trip path waiting to ride along). */
  touch(nowMs: number): void {
    if (this.openedAtMs === undefined) this.openedAtMs = nowMs;
  }

  /** Whether adding `e` would break the count or size limit (close first, then add). */
  wouldOverflow(e: TelemetryEvent): boolean {
    if (this.events.length === 0) return false;
    return (
      this.events.length >= this.config.maxEvents ||
      this.bytes + JSON.stringify(e).length + 1 > this.config.maxBytes
    );
  }

  /** Adds an event to the open batch. */
  add(e: TelemetryEvent, nowMs: number): void {
    this.touch(nowMs);
    this.events.push(e);
    this.bytes += JSON.stringify(e).length + 1;
  }

  /** Whether the open batch is due by age. */
  due(nowMs: number): boolean {
    return this.openedAtMs !== undefined && nowMs - this.openedAtMs >= this.config.maxAgeMs;
  }

  /** Closes the open batch into its body, or `undefined` if it holds no events. */
  close(nowMs: number): string | undefined {
    this.openedAtMs = undefined;
    if (this.events.length === 0) return undefined;
    const artefacts = this.runningArtefacts?.() ?? [];
    const body = JSON.stringify({
      schema: 1,
      batchId: randomUuid(this.random),
      // Seconds are enough for the cloud's clock-skew checks.
      sentAt: isoOf(floorTo(nowMs, 1000)),
      ...(artefacts.length > 0 ? { artefacts } : {}),
      events: this.events,
    });
    this.events = [];
    this.bytes = 0;
    return body;
  }
}
