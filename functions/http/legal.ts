import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PROBLEM_TYPES } from '../../lib/contract/problem.ts';
import { pseudonymOf, utcDay } from '../../lib/privacy/pseudonym.ts';
import { bucketEntriesOf } from '../adapters/bucketStore.ts';
import { DeviceDataSweeper } from '../adapters/deviceDataSweeper.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction, deviceRef } from './auditAction.ts';
import { authorize } from './auth.ts';
import {
  forbidden,
  HttpError,
  type HttpEvent,
  httpHandler,
  json,
  jsonBody,
  notFound,
  parseWith,
} from './httpKit.ts';

/** A legal order covers at most this span: a request for "everything" is not a scope. */
const MAX_SCOPE_MS = 31 * 86_400_000;

const requestSchema = z
  .object({
    legalReference: z.string().trim().min(3).max(200),
    deviceId: z.string().uuid(),
    from: z.string().datetime(),
    to: z.string().datetime(),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), 'from must be before to')
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= MAX_SCOPE_MS, 'scope spans more than 31 days');

function requestIdParam(event: HttpEvent): string {
  return event.pathParameters?.requestId ?? '';
}

/**
 * `POST /v1/legal/requests` (legal, operator): records a request for one device's raw data over a
 * time range, under a legal reference. Nothing is released until a second operator approves.
 */
export function createLegalRequestHandler(deps: AppDeps) {
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const body = parseWith(requestSchema, jsonBody(event, 64 * 1024), 'legal request');
    const requestId = randomUUID();
    const nowMs = deps.clock();
    await deps.identity.putLegalRequest({
      requestId,
      legalReference: body.legalReference,
      deviceId: body.deviceId,
      fromMs: Date.parse(body.from),
      toMs: Date.parse(body.to),
      recordedBy: principal.id,
      recordedAtMs: nowMs,
      status: 'pending',
    });
    await auditAction(deps, principal, 'legal.request', `legal:${requestId}`, {
      legalReference: body.legalReference,
      device: deviceRef(deps, body.deviceId),
      from: body.from,
      to: body.to,
    });
    return json(201, { requestId, status: 'pending' });
  });
}

/** `POST /v1/legal/requests/{requestId}/approve` (operator, not the one who recorded it). */
export function createLegalApproveHandler(deps: AppDeps) {
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const requestId = requestIdParam(event);
    const request = await deps.identity.legalRequest(requestId);
    if (!request) throw notFound('no such legal request');
    if (request.recordedBy === principal.id) {
      throw forbidden('a legal request must be approved by a second operator, not the one who recorded it');
    }
    if (!(await deps.identity.approveLegalRequest(requestId, principal.id, deps.clock()))) {
      throw new HttpError(409, PROBLEM_TYPES.validation, 'Conflict', 'the request is not pending');
    }
    await auditAction(deps, principal, 'legal.approve', `legal:${requestId}`, {
      legalReference: request.legalReference,
    });
    return json(200, { requestId, status: 'approved' });
  });
}

/**
 * `GET /v1/legal/requests/{requestId}/export` (legal, operator): the raw records of exactly the
 * approved scope — the minute buckets carrying the device's pseudonym of each day in range
 * (while that day's key exists), restricted to the requested minutes. Every export is audited
 * with the number of records released.
 */
export function createLegalExportHandler(deps: AppDeps) {
  const sweeper = new DeviceDataSweeper(deps.clients.ddb, {
    Buckets: deps.names.bucketsTable,
    Ingest: deps.names.ingestTable,
    InsightsRaw: deps.names.insightsRawTable,
  });
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const requestId = requestIdParam(event);
    const request = await deps.identity.legalRequest(requestId);
    if (!request) throw notFound('no such legal request');
    if (request.status !== 'approved')
      throw forbidden('the request has not been approved by a second operator');
    const nowMs = deps.clock();
    const pseudonyms: string[] = [];
    for (let t = Date.parse(`${utcDay(request.fromMs)}T00:00:00Z`); t <= request.toMs; t += 86_400_000) {
      const day = utcDay(t);
      const key = await deps.identity.existingPeriodKey(`day#${day}`, nowMs);
      if (key) pseudonyms.push(pseudonymOf(request.deviceId, day, key, deps.hmac));
    }
    const fromMin = Math.floor(request.fromMs / 60_000);
    const toMin = Math.floor(request.toMs / 60_000);
    const records: { signal: string; cell: string; minute: string; sector: string }[] = [];
    if (pseudonyms.length > 0) {
      let cursor: string | undefined;
      do {
        const page = await sweeper.scanPage('Buckets', pseudonyms, cursor, true);
        for (const item of page.items ?? []) {
          for (const b of bucketEntriesOf(item)) {
            if (b.minute < fromMin || b.minute > toMin) continue;
            if (!b.pseudonyms.some((p) => pseudonyms.includes(p))) continue;
            const minute = new Date(b.minute * 60_000).toISOString();
            records.push({ signal: b.kind, cell: b.cell, minute, sector: String(b.sector) });
          }
        }
        cursor = page.next;
      } while (cursor);
    }
    records.sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
    await auditAction(deps, principal, 'legal.export', `legal:${requestId}`, {
      legalReference: request.legalReference,
      records: records.length,
    });
    return json(
      200,
      {
        requestId,
        legalReference: request.legalReference,
        scope: { from: new Date(request.fromMs).toISOString(), to: new Date(request.toMs).toISOString() },
        records,
      },
      { 'cache-control': 'no-store' },
    );
  });
}

export const requestHandler = lambdaEntry(createLegalRequestHandler);
export const approveHandler = lambdaEntry(createLegalApproveHandler);
export const exportHandler = lambdaEntry(createLegalExportHandler);
