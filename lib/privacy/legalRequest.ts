import { z } from 'zod';
import type { BucketEntry } from '../hazards/slidingWindow.ts';
import { DAY_MS } from '../time/durations.ts';
import { isoOf } from '../time/isoTime.ts';
import { type DayPseudonymDeps, devicePseudonymsByDay } from './dayPseudonyms.ts';

/**
 * The rules of a legal request for one device's raw data: what a request must contain and how
 * far it may reach, that a second operator must approve it before anything is released, that
 * exactly the approved scope is released (and only while the day keys of that scope live), and
 * that every step is audited. Who may call each step is the route's roles (lib/api/functions.ts,
 * enforced by the authorisation matrix); everything else is decided here.
 */

/** A legal order covers at most this span: a request for "everything" is not a scope. */
export const LEGAL_MAX_SCOPE_MS = 31 * DAY_MS;

/**
 * What a legal request must contain: a legal reference a person can look up (3–200 characters,
 * trimmed), the device, and a time range of positive length no longer than
 * {@link LEGAL_MAX_SCOPE_MS}. Strict: an unknown field is refused rather than silently ignored,
 * so a caller cannot believe it asked for something it did not get.
 */
export const legalRequestSchema = z
  .object({
    legalReference: z.string().trim().min(3).max(200),
    deviceId: z.string().uuid(),
    from: z.string().datetime(),
    to: z.string().datetime(),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), 'from must be before to')
  .refine(
    (r) => Date.parse(r.to) - Date.parse(r.from) <= LEGAL_MAX_SCOPE_MS,
    'scope spans more than 31 days',
  );

/** A validated legal request body (see {@link legalRequestSchema}). */
export type LegalRequestInput = z.infer<typeof legalRequestSchema>;

/** A recorded legal request: who asked, under which legal reference, for exactly what. */
export interface LegalRequest {
  requestId: string;
  legalReference: string;
  deviceId: string;
  fromMs: number;
  toMs: number;
  recordedBy: string;
  recordedAtMs: number;
  status: 'pending' | 'approved';
  approvedBy?: string;
  approvedAtMs?: number;
}

/** Where legal requests are kept. */
export interface LegalRequestRepository {
  /** Stores a new request (its id is fresh: never overwrites). */
  putLegalRequest(request: LegalRequest): Promise<void>;
  legalRequest(requestId: string): Promise<LegalRequest | undefined>;
  /**
   * Approves a pending request, atomically refusing (false) when it is not pending or when
   * `approvedBy` recorded it: the check above the store is not enough under concurrent calls.
   */
  approveLegalRequest(requestId: string, approvedBy: string, nowMs: number): Promise<boolean>;
}

/** The raw evidence a legal export reads: minute buckets carrying any of a set of pseudonyms. */
export interface LegalRecordSource {
  /** One page of the bucket entries of items that carry any of `pseudonyms`; `next` to go on. */
  bucketPage(
    pseudonyms: readonly string[],
    cursor?: string,
  ): Promise<{ entries: readonly BucketEntry[]; next?: string }>;
}

/** One audited step, as the use case decides it; the caller signs it with the actor. */
export interface LegalAuditEntry {
  action: 'legal.request' | 'legal.approve' | 'legal.export';
  target: string;
  details: Record<string, string | number | boolean>;
}

/** What every step needs: the requests, the audit log (bound to the acting person) and the clock. */
export interface LegalDeps {
  requests: LegalRequestRepository;
  audit: (entry: LegalAuditEntry) => Promise<void>;
  clock: () => number;
}

/** Error family of the legal-request rules; `code` is stable, the message is for people. */
export class LegalRequestError extends Error {
  override readonly name = 'LegalRequestError';
  constructor(
    readonly code: 'NOT_FOUND' | 'SELF_APPROVAL' | 'NOT_PENDING' | 'NOT_APPROVED',
    message: string,
  ) {
    super(message);
  }
}

/** One released record: which signal the device gave where and when, in which heading sector. */
export interface LegalRecord {
  signal: string;
  cell: string;
  /** RFC 3339 start of the minute. */
  minute: string;
  sector: string;
}

/** The answer to an approved request: exactly its scope. */
export interface LegalExport {
  requestId: string;
  legalReference: string;
  scope: { from: string; to: string };
  records: LegalRecord[];
}

const targetOf = (requestId: string) => `legal:${requestId}`;

async function find(deps: LegalDeps, requestId: string): Promise<LegalRequest> {
  const request = await deps.requests.legalRequest(requestId);
  if (!request) throw new LegalRequestError('NOT_FOUND', 'no such legal request');
  return request;
}

/**
 * Records a request as `pending` under a fresh id and audits it. The audit names the device only
 * by `deviceRef` (a hash), so the log cannot be joined to the dataset. Nothing is released yet.
 */
export async function recordLegalRequest(
  deps: LegalDeps & { newId: () => string; deviceRef: (deviceId: string) => string },
  recordedBy: string,
  input: LegalRequestInput,
): Promise<{ requestId: string; status: 'pending' }> {
  const requestId = deps.newId();
  await deps.requests.putLegalRequest({
    requestId,
    legalReference: input.legalReference,
    deviceId: input.deviceId,
    fromMs: Date.parse(input.from),
    toMs: Date.parse(input.to),
    recordedBy,
    recordedAtMs: deps.clock(),
    status: 'pending',
  });
  await deps.audit({
    action: 'legal.request',
    target: targetOf(requestId),
    details: {
      legalReference: input.legalReference,
      device: deps.deviceRef(input.deviceId),
      from: input.from,
      to: input.to,
    },
  });
  return { requestId, status: 'pending' };
}

/**
 * Approves a pending request. Four eyes: the approver must not be the person who recorded it
 * (`SELF_APPROVAL`); a request approved before, or approved concurrently, is `NOT_PENDING`.
 */
export async function approveLegalRequest(
  deps: LegalDeps,
  approvedBy: string,
  requestId: string,
): Promise<{ requestId: string; status: 'approved' }> {
  const request = await find(deps, requestId);
  if (request.recordedBy === approvedBy) {
    throw new LegalRequestError(
      'SELF_APPROVAL',
      'a legal request must be approved by a second operator, not the one who recorded it',
    );
  }
  if (!(await deps.requests.approveLegalRequest(requestId, approvedBy, deps.clock()))) {
    throw new LegalRequestError('NOT_PENDING', 'the request is not pending');
  }
  await deps.audit({
    action: 'legal.approve',
    target: targetOf(requestId),
    details: { legalReference: request.legalReference },
  });
  return { requestId, status: 'approved' };
}

/**
 * The raw records of exactly the approved scope: the minute buckets carrying the device's
 * pseudonym of each day in range (while that day's key exists: a destroyed key makes a day
 * unreleasable, by design), restricted to the minutes of the scope, oldest first. Every export
 * is audited with the number of records released.
 */
export async function exportLegalRequest(
  deps: LegalDeps & DayPseudonymDeps & { records: LegalRecordSource },
  requestId: string,
): Promise<LegalExport> {
  const request = await find(deps, requestId);
  if (request.status !== 'approved') {
    throw new LegalRequestError('NOT_APPROVED', 'the request has not been approved by a second operator');
  }
  const nowMs = deps.clock();
  const byDay = await devicePseudonymsByDay(deps, request.deviceId, request, nowMs);
  const pseudonyms = new Set<string>(byDay.map((d) => d.pseudonym));
  const fromMin = Math.floor(request.fromMs / 60_000);
  const toMin = Math.floor(request.toMs / 60_000);
  const records: LegalRecord[] = [];
  if (pseudonyms.size > 0) {
    const wanted = [...pseudonyms];
    let cursor: string | undefined;
    do {
      const page = await deps.records.bucketPage(wanted, cursor);
      for (const b of page.entries) {
        if (b.minute < fromMin || b.minute > toMin) continue;
        // An item carries the device in some sector; release only the sectors that hold it.
        if (!b.pseudonyms.some((p) => pseudonyms.has(p))) continue;
        const minute = isoOf(b.minute * 60_000);
        records.push({ signal: b.kind, cell: b.cell, minute, sector: String(b.sector) });
      }
      cursor = page.next;
    } while (cursor);
  }
  records.sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
  await deps.audit({
    action: 'legal.export',
    target: targetOf(requestId),
    details: { legalReference: request.legalReference, records: records.length },
  });
  return {
    requestId,
    legalReference: request.legalReference,
    scope: { from: isoOf(request.fromMs), to: isoOf(request.toMs) },
    records,
  };
}
