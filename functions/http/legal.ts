import { randomUUID } from 'node:crypto';
import { PROBLEM_TYPES } from '../../lib/contract/problem.ts';
import {
  approveLegalRequest,
  exportLegalRequest,
  type LegalDeps,
  type LegalRecordSource,
  LegalRequestError,
  legalRequestSchema,
  recordLegalRequest,
} from '../../lib/privacy/legalRequest.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction, deviceRef } from './auditAction.ts';
import { type AuthDeps, authorize, type Principal } from './auth.ts';
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

/** What the legal routes need: authentication, the requests (Identity) and the audit log. */
export type LegalHandlerDeps = AuthDeps & Pick<AppDeps, 'audit'>;

/** The legal export also reads the minute buckets carrying the device's pseudonyms. */
export type LegalExportDeps = LegalHandlerDeps & { bucketRecords: LegalRecordSource };

function requestIdParam(event: HttpEvent): string {
  return event.pathParameters?.requestId ?? '';
}

/** The use case's dependencies for one caller: its audit entries are signed by `principal`. */
function legalDeps(deps: LegalHandlerDeps, principal: Principal): LegalDeps {
  return {
    requests: deps.identity,
    audit: (e) => auditAction(deps, principal, e.action, e.target, e.details),
    clock: deps.clock,
  };
}

/** The rules' refusals as problem+json answers. */
function answerRefusal(err: unknown): never {
  if (!(err instanceof LegalRequestError)) throw err;
  switch (err.code) {
    case 'NOT_FOUND':
      throw notFound(err.message);
    case 'SELF_APPROVAL':
    case 'NOT_APPROVED':
      throw forbidden(err.message);
    case 'NOT_PENDING':
      throw new HttpError(409, PROBLEM_TYPES.validation, 'Conflict', err.message);
  }
}

/**
 * `POST /v1/legal/requests` (legal, operator): records a request for one device's raw data over a
 * time range, under a legal reference. Nothing is released until a second operator approves.
 */
export function createLegalRequestHandler(deps: LegalHandlerDeps) {
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const body = parseWith(legalRequestSchema, jsonBody(event, 64 * 1024), 'legal request');
    const recorded = await recordLegalRequest(
      { ...legalDeps(deps, principal), newId: randomUUID, deviceRef: (id) => deviceRef(deps, id) },
      principal.id,
      body,
    ).catch(answerRefusal);
    return json(201, recorded);
  });
}

/** `POST /v1/legal/requests/{requestId}/approve` (operator, not the one who recorded it). */
export function createLegalApproveHandler(deps: LegalHandlerDeps) {
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const approved = await approveLegalRequest(
      legalDeps(deps, principal),
      principal.id,
      requestIdParam(event),
    ).catch(answerRefusal);
    return json(200, approved);
  });
}

/**
 * `GET /v1/legal/requests/{requestId}/export` (legal, operator): the raw records of exactly the
 * approved scope (lib/privacy/legalRequest.ts decides what that is), audited.
 */
export function createLegalExportHandler(deps: LegalExportDeps) {
  return httpHandler(async (event) => {
    const principal = await authorize(event, deps);
    const released = await exportLegalRequest(
      { ...legalDeps(deps, principal), dayKeys: deps.identity, hmac: deps.hmac, records: deps.bucketRecords },
      requestIdParam(event),
    ).catch(answerRefusal);
    return json(200, released, { 'cache-control': 'no-store' });
  });
}

export const requestHandler = lambdaEntry(createLegalRequestHandler, 'legalRequest');
export const approveHandler = lambdaEntry(createLegalApproveHandler, 'legalApprove');
export const exportHandler = lambdaEntry(createLegalExportHandler, 'legalExport');
