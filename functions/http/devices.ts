import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoOf } from '../../lib/time/isoTime.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction, deviceRef } from './auditAction.ts';
import { type AuthDeps, authenticateDevice, requireOperator, TOKEN_PREFIX } from './auth.ts';
import { bodyText, type HttpEvent, httpHandler, json, jsonBody, notFound, parseWith } from './httpKit.ts';

function newDeviceToken(deps: Pick<AppDeps, 'randomBytes'>): string {
  return `${TOKEN_PREFIX.device}${Buffer.from(deps.randomBytes(32)).toString('base64url')}`;
}

function deviceIdParam(event: HttpEvent): string {
  const id = event.pathParameters?.deviceId ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound('no such device');
  return id;
}

/** `POST /v1/devices` (operator): provisions a camera; the token is shown once, stored only hashed. */
export function createDevicesHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    const operator = await requireOperator(event, deps);
    if (bodyText(event, 64 * 1024).trim() !== '') jsonBody(event, 64 * 1024);
    const deviceId = randomUUID();
    const token = newDeviceToken(deps);
    await deps.identity.createDevice(deviceId, deps.sha256(token), deps.clock());
    await auditAction(deps, operator, 'device.provision', deviceRef(deps, deviceId));
    return json(201, { deviceId, token }, { 'cache-control': 'no-store' });
  });
}

/**
 * `POST /v1/devices/{deviceId}/token` (operator): rotates a camera's token. Operator-side, not
 * device-side: rotation matters most when a token leaked, and then whoever holds the leaked
 * token could rotate it and lock the real camera out. The new token is returned once; the old
 * one answers 401 from the moment this returns. The device keeps its pseudonyms (they derive
 * from the device id), so a rotation never counts as a second camera.
 */
export function createRotateTokenHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    const operator = await requireOperator(event, deps);
    const deviceId = deviceIdParam(event);
    const token = newDeviceToken(deps);
    if (!(await deps.identity.rotateToken(deviceId, deps.sha256(token), deps.clock()))) {
      throw notFound('no such device, or it was revoked');
    }
    await auditAction(deps, operator, 'device.rotate-token', deviceRef(deps, deviceId));
    return json(200, { deviceId, token }, { 'cache-control': 'no-store' });
  });
}

/** `DELETE /v1/devices/{deviceId}` (operator): revokes a camera; its token answers 401 at once. */
export function createRevokeDeviceHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    const operator = await requireOperator(event, deps);
    const deviceId = deviceIdParam(event);
    if (!(await deps.identity.revokeDevice(deviceId, deps.clock()))) throw notFound('no such device');
    await auditAction(deps, operator, 'device.revoke', deviceRef(deps, deviceId));
    return { statusCode: 204 };
  });
}

const consentSchema = z.object({ network: z.boolean() }).strict();

/** `PUT /v1/consent` (device): opt in or out of network sharing; opting out stops acceptance at once. */
export function createConsentHandler(deps: AuthDeps) {
  return httpHandler(async (event) => {
    const { deviceId, tokenHash } = await authenticateDevice(event, deps);
    const { network } = parseWith(consentSchema, jsonBody(event, 64 * 1024), 'consent');
    const consent = await deps.identity.setConsent(deviceId, tokenHash, network, deps.clock());
    return json(200, {
      network: consent.network,
      recordedAt: isoOf(consent.atMs),
      version: consent.version,
      ...(network ? {} : { deletion: { href: '/v1/privacy/deletion', method: 'POST' } }),
    });
  });
}

export const handler = lambdaEntry(createDevicesHandler, 'devices');
export const consentHandler = lambdaEntry(createConsentHandler, 'consent');
export const rotateTokenHandler = lambdaEntry(createRotateTokenHandler, 'rotateToken');
export const revokeHandler = lambdaEntry(createRevokeDeviceHandler, 'revokeDevice');
