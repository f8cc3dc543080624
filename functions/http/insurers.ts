import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bboxSchema as bboxStringSchema } from '../../lib/geo/bbox.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { auditAction } from './auditAction.ts';
import { type AuthDeps, requireOperator, TOKEN_PREFIX } from './auth.ts';
import { httpHandler, json, jsonBody, parseWith } from './httpKit.ts';

const bboxTupleSchema = z
  .tuple([
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
  ])
  .refine(([minLng, minLat, maxLng, maxLat]) => minLng < maxLng && minLat < maxLat, 'bbox must be min < max');

/** A region: `[minLng, minLat, maxLng, maxLat]`, or the contract's query form `"minLng,minLat,maxLng,maxLat"`. */
const bboxSchema = z.union([
  bboxTupleSchema,
  bboxStringSchema.transform(
    (b) => [b.minLng, b.minLat, b.maxLng, b.maxLat] as [number, number, number, number],
  ),
]);

const insurerSchema = z
  .object({ name: z.string().trim().min(1).max(200), regions: z.array(bboxSchema).max(100).optional() })
  .strict();

/**
 * `POST /v1/insurers` (operator): registers an insurer and returns its API key once; only the
 * key's SHA-256 is stored. Insurers reach k-anonymous insights only (see the authz matrix).
 */
export function createInsurersHandler(deps: AuthDeps & Pick<AppDeps, 'audit'>) {
  return httpHandler(async (event) => {
    const operator = await requireOperator(event, deps);
    const body = parseWith(insurerSchema, jsonBody(event, 64 * 1024), 'insurer');
    const insurerId = randomUUID();
    const apiKey = `${TOKEN_PREFIX.insurer}${Buffer.from(deps.randomBytes(32)).toString('base64url')}`;
    await deps.identity.putCredential('APIKEY', deps.sha256(apiKey), {
      id: insurerId,
      role: 'insurer',
      name: body.name,
      createdAtMs: deps.clock(),
      ...(body.regions ? { regions: body.regions } : {}),
    });
    await auditAction(deps, operator, 'insurer.create', `insurer:${insurerId}`, { name: body.name });
    return json(201, { insurerId, apiKey }, { 'cache-control': 'no-store' });
  });
}

export const handler = lambdaEntry(createInsurersHandler, 'insurers');
