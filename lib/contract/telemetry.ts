import { z } from 'zod';
import { timestampSchema, uuidSchema } from './primitives.ts';

/** Largest accepted request body, after gunzip (contract: body ≤ 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Events per batch. A camera batches by size and age; 1,000 keeps a batch far below 1 MiB. */
export const MAX_EVENTS_PER_BATCH = 1000;

/**
 * The envelope of `POST /v1/telemetry`. Events are validated one by one afterwards
 * (see `validateBatch`), so one bad event does not reject its valid neighbours.
 */
export const telemetryEnvelopeSchema = z.object({
  schema: z.literal(1),
  batchId: uuidSchema,
  sentAt: timestampSchema,
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH),
});

export type TelemetryEnvelope = z.infer<typeof telemetryEnvelopeSchema>;

/** `202` body of `POST /v1/telemetry`. */
export interface TelemetryAccepted {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}
