import { randomUUID } from 'node:crypto';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction, deviceRef } from './auditAction.ts';
import { type AuthDeps, authenticateDevice } from './auth.ts';
import { httpHandler, json, notFound } from './httpKit.ts';

/**
 * `POST /v1/privacy/deletion` (device): queues a job that erases every raw item derived from the
 * device, and opts the device out first so nothing new arrives behind the job's back (it may opt
 * in again afterwards). A request while a job is pending returns that job's id: idempotent.
 */
export function createDeletionRequestHandler(deps: AuthDeps & Pick<AppDeps, 'deletions' | 'audit'>) {
  return httpHandler(async (event) => {
    const device = await authenticateDevice(event, deps);
    const nowMs = deps.clock();
    await deps.identity.setConsent(device.deviceId, device.tokenHash, false, nowMs);
    const requestId = await deps.deletions.create({
      requestId: randomUUID(),
      deviceId: device.deviceId,
      owner: deviceRef(deps, device.deviceId),
      nowMs,
    });
    await auditAction(
      deps,
      { role: 'device', id: device.deviceId, tokenHash: device.tokenHash, network: false },
      'privacy.deletion.request',
      `deletion:${requestId}`,
    );
    return json(202, { requestId }, { location: `/v1/privacy/deletion/${requestId}` });
  });
}

/** `GET /v1/privacy/deletion/{requestId}` (device): the job's status, to the device that asked only. */
export function createDeletionStatusHandler(deps: AuthDeps & Pick<AppDeps, 'deletions'>) {
  return httpHandler(async (event) => {
    const device = await authenticateDevice(event, deps);
    const job = await deps.deletions.get(event.pathParameters?.requestId ?? '');
    // Another device's job is "not found", not "forbidden": ids of others' requests leak nothing.
    if (!job || job.owner !== deviceRef(deps, device.deviceId)) throw notFound('no such deletion request');
    return json(
      200,
      {
        status: job.status,
        deletedItems: job.deletedItems,
        requestedAt: isoOf(job.createdAtMs),
        ...(job.doneAtMs ? { doneAt: isoOf(job.doneAtMs) } : {}),
      },
      { 'cache-control': 'no-store' },
    );
  });
}

export const requestHandler = lambdaEntry(createDeletionRequestHandler, 'deletionRequest');
export const statusHandler = lambdaEntry(createDeletionStatusHandler, 'deletionStatus');
