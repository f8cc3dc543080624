import { eventSchema, type TelemetryEvent } from '../contract/events.ts';
import { type FieldError, fieldErrors } from '../contract/problem.ts';

/** How far in the future an event may lie before it is taken as a broken clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * Oldest event accepted. Cameras queue batches while offline; a week covers a long outage,
 * and it equals the raw-event retention, so nothing is accepted that would be deleted at once.
 */
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600_000;

export interface BatchValidation {
  /** Valid events, first occurrence of each id. */
  valid: TelemetryEvent[];
  /** Events whose id appeared earlier in the same batch. */
  duplicateIds: number;
  /** One entry per rejected event, with a reason naming the field. */
  rejected: { index: number; reason: string }[];
  /** Field-level detail of the rejections, for the problem document when nothing is valid. */
  errors: FieldError[];
}

/**
 * Validates each event of a batch on its own, so a batch keeps its valid events when others
 * are rejected (contract §2), and applies the time rules: not beyond the clock-skew tolerance
 * in the future, not older than the retention.
 *
 * @example validateBatch(envelope.events, Date.now())
 */
export function validateBatch(events: readonly unknown[], nowMs: number): BatchValidation {
  const valid: TelemetryEvent[] = [];
  const rejected: { index: number; reason: string }[] = [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  let duplicateIds = 0;
  events.forEach((raw, index) => {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error, ['events', index], index);
      errors.push(...errs);
      rejected.push({ index, reason: errs.map((e) => `${e.path}: ${e.message}`).join('; ') });
      return;
    }
    const event = parsed.data;
    const tsMs = Date.parse(event.ts);
    const timeError =
      tsMs > nowMs + MAX_CLOCK_SKEW_MS
        ? 'lies in the future beyond the 5-minute clock-skew tolerance'
        : tsMs < nowMs - MAX_EVENT_AGE_MS
          ? 'is older than the 7-day retention'
          : undefined;
    if (timeError) {
      const path = `/events/${index}/ts`;
      errors.push({ index, path, message: timeError });
      rejected.push({ index, reason: `${path}: ${timeError}` });
      return;
    }
    if (seen.has(event.id)) {
      duplicateIds += 1;
      return;
    }
    seen.add(event.id);
    valid.push(event);
  });
  return { valid, duplicateIds, rejected, errors };
}
