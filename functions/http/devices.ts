import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { authenticateDevice, requireOperator } from './auth.ts';
import { bodyText, httpHandler, json, jsonBody, parseWith } from './httpKit.ts';

/** `POST /v1/devices` (operator): provisions a camera; the token is shown once, stored only hashed. */
export function createDevicesHandler(deps: AppDeps) {
  return httpHandler(async (event) => {
    await requireOperator(event, deps);
    if (bodyText(event, 64 * 1024).trim() !== '') jsonBody(event, 64 * 1024);
    const deviceId = randomUUID();
    const token = `dnd_${Buffer.from(deps.randomBytes(32)).toString('base64url')}`;
    await deps.identity.createDevice(deviceId, deps.sha256(token), deps.clock());
    return json(201, { deviceId, token });
  });
}

const consentSchema = z.object({ network: z.boolean() }).strict();

/** `PUT /v1/consent` (device): opt in or out of network sharing; opting out stops acceptance at once. */
export function createConsentHandler(deps: AppDeps) {
  return httpHandler(async (event) => {
    const { deviceId, tokenHash } = await authenticateDevice(event, deps);
    const { network } = parseWith(consentSchema, jsonBody(event, 64 * 1024), 'consent');
    const consent = await deps.identity.setConsent(deviceId, tokenHash, network, deps.clock());
    return json(200, {
      network: consent.network,
      recordedAt: new Date(consent.atMs).toISOString(),
      version: consent.version,
      ...(network ? {} : { deletion: { href: '/v1/privacy/deletion', method: 'POST' } }),
    });
  });
}

export const handler = lambdaEntry(createDevicesHandler);
export const consentHandler = lambdaEntry(createConsentHandler);
