import type { TelemetryEvent } from '../../lib/contract/events.ts';
import { PROBLEM_TYPES } from '../../lib/contract/problem.ts';
import { type TelemetryAccepted, telemetryEnvelopeSchema } from '../../lib/contract/telemetry.ts';
import { partitionRecords } from '../../lib/ingest/partitionRecords.ts';
import { validateBatch } from '../../lib/ingest/validateBatch.ts';
import { utcDay } from '../../lib/privacy/pseudonym.ts';
import type { CountOnce } from '../adapters/statsStore.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { METRIC, MetricUnit, metrics } from '../runtime/observability.ts';
import { recordArtefactHealth } from './artefacts.ts';
import { type AuthDeps, authenticateDevice } from './auth.ts';
import { badRequest, HttpError, httpHandler, json, jsonBody, parseWith } from './httpKit.ts';
import { newPeriodKey, pseudonymFor } from './pseudonymFor.ts';

/**
 * What ingest is handed, mirroring its IAM grant: authorisation (identity, rate limits), the
 * batch markers, the ops counters and the stream — no bucket, hazard or insight store.
 */
export type TelemetryDeps = AuthDeps &
  Pick<AppDeps, 'ingest' | 'stats' | 'stream' | 'artefacts' | 'artefactHealth'>;

/**
 * `POST /v1/telemetry`: authenticate, validate each event, pseudonymise, write to the stream,
 * acknowledge. A batch id seen before is acknowledged as duplicates and not counted again.
 */
export function createTelemetryHandler(deps: TelemetryDeps) {
  return httpHandler(async (event) => {
    // Authenticate before reading the body: an unauthenticated caller learns nothing, not even
    // whether its body parses.
    const { deviceId, network } = await authenticateDevice(event, deps);
    const body = jsonBody(event);
    const envelope = parseWith(telemetryEnvelopeSchema, body, 'telemetry batch');
    if (!network) {
      throw new HttpError(
        403,
        PROBLEM_TYPES.noConsent,
        'No consent',
        'no network consent on record for this device',
      );
    }
    const nowMs = deps.clock();
    const { valid, duplicateIds, rejected, errors } = validateBatch(envelope.events, nowMs);
    if (valid.length === 0 && rejected.length > 0) {
      metrics.addMetric(METRIC.rejected, MetricUnit.Count, rejected.length);
      throw badRequest(`all ${rejected.length} events were rejected`, errors);
    }
    const ingestKey = await deps.identity.periodKey('ingest', () => newPeriodKey(deps), undefined);
    const batchKey = deps.hmac(ingestKey, `${deviceId}|${envelope.batchId}`).slice(0, 40);
    const result: TelemetryAccepted = { accepted: 0, duplicates: duplicateIds, rejected };
    const counts: CountOnce[] = [];
    const requestId = event.requestContext.requestId;

    // No read-before-write: a retried batch is written to the stream again (harmless, the
    // aggregator's effects are idempotent and it counts a record as processed once, by its
    // record key) and the conditional marker tells it was a duplicate.
    // Marking first instead would lose the batch if the stream write then failed.
    if (valid.length > 0) {
      const records = [];
      for (const [day, events] of groupByDay(valid)) {
        const pseudonym = await pseudonymFor(deps, deviceId, day);
        // The stream's batch key is per day too: one shared across days would join a device's
        // pseudonyms of two days (and the marker below, which carries today's pseudonym).
        const dayBatchKey = deps.hmac(ingestKey, `${deviceId}|${envelope.batchId}|${day}`).slice(0, 40);
        records.push(...partitionRecords(events, pseudonym, dayBatchKey));
      }
      await deps.stream.put(records);
      // The marker carries the pseudonym of the ingest day (never the device id): what lets a
      // deletion job find it while that day's key lives.
      const markerPseudonym = await pseudonymFor(deps, deviceId, utcDay(nowMs));
      const mark = await deps.ingest.markBatch(batchKey, valid.length, nowMs, markerPseudonym);
      if (mark.first) {
        result.accepted = valid.length;
        // Staged rollouts: what the camera's cohort saw with the artefacts it runs (counted
        // with the batch's first acceptance, so a retried batch is not counted twice).
        await recordArtefactHealth(deps, envelope, valid, nowMs);
      } else result.duplicates += valid.length;
      // Counted exactly once per batch, by whichever request gets here first after the marker
      // exists: a request that crashed between marking and counting leaves the count to the
      // camera's retry, which is answered as a duplicate but still completes it.
      counts.push({ id: `a#${batchKey}`, atMs: mark.atMs, deltas: { accepted: mark.events } });
      counts.push({ id: `r#${batchKey}`, atMs: mark.atMs, deltas: { rejected: rejected.length } });
    } else {
      counts.push({ id: `r#${batchKey}`, atMs: nowMs, deltas: { rejected: rejected.length } });
    }
    // Duplicates are counted per request (each retry is one more), once even if the answer to
    // the counter's write is lost and the SDK writes it again. All of a request's facts share
    // its batch's item (one write), at the time the first of them was fixed.
    counts.push({
      id: `d#${batchKey}#${requestId}`,
      atMs: counts[0]?.atMs ?? nowMs,
      deltas: { duplicates: result.duplicates },
    });
    for (const c of counts) c.group = batchKey;
    await deps.stats.addOnce(counts);
    metrics.addMetric(METRIC.accepted, MetricUnit.Count, result.accepted);
    metrics.addMetric(METRIC.duplicates, MetricUnit.Count, result.duplicates);
    metrics.addMetric(METRIC.rejected, MetricUnit.Count, rejected.length);
    return json(202, result);
  });
}

function groupByDay(events: readonly TelemetryEvent[]): Map<string, TelemetryEvent[]> {
  const out = new Map<string, TelemetryEvent[]>();
  for (const e of events) {
    const day = utcDay(Date.parse(e.ts));
    const list = out.get(day);
    if (list) list.push(e);
    else out.set(day, [e]);
  }
  return out;
}

export const handler = lambdaEntry(createTelemetryHandler, 'telemetry');
