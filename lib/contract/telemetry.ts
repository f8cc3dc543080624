import { z } from 'zod';
import { ARTEFACT_KINDS } from './artefact.ts';
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
  /**
   * Optional (a compatible extension): the over-the-air artefacts the camera ran while it
   * recorded this batch, so a staged rollout can compare cohorts (docs/ota.md). One entry per line.
   */
  artefacts: z
    .array(
      z
        .object({
          kind: z.enum(ARTEFACT_KINDS),
          name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
          version: z.string().min(1).max(64),
        })
        .strict(),
    )
    .max(8)
    .optional(),
  /** Optional: errors the camera counted (crashes, pipeline faults) since its previous batch. */
  cameraErrors: z.number().int().min(0).max(100_000).optional(),
});

export type TelemetryEnvelope = z.infer<typeof telemetryEnvelopeSchema>;

/** `202` body of `POST /v1/telemetry`. */
export interface TelemetryAccepted {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}
