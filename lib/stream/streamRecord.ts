import { z } from 'zod';
import { eventSchema } from '../contract/events.ts';

/**
 * What travels on the telemetry stream: a camera's valid events of one batch in one area,
 * under the camera's pseudonym of the day. No device id or token is ever on the stream.
 */
export const streamRecordSchema = z.object({
  v: z.literal(1),
  /** Pseudonym: keyed hash of the device under that UTC day's key; unlinkable across days. */
  pseudonym: z.string().min(16).max(64),
  /** Ingest-side batch marker, for tracing duplicates; a hash, not the camera's batchId. */
  batchKey: z.string().min(8).max(64),
  events: z.array(eventSchema).min(1),
});

export type StreamRecord = z.infer<typeof streamRecordSchema>;

/** Error family of stream decoding; poison records are never retried. */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
  readonly code = 'POISON_RECORD';
  readonly retryable = false;
}

/** Decodes one stream record's bytes, throwing `PoisonRecordError` on anything malformed. */
export function decodeStreamRecord(bytes: Uint8Array): StreamRecord {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new PoisonRecordError('record is not JSON');
  }
  const parsed = streamRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new PoisonRecordError(`record fails the schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Encodes a stream record to bytes. */
export function encodeStreamRecord(record: StreamRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}
