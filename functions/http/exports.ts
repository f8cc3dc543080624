import { z } from 'zod';

import { EXPORT_FORMATS, type ExportFormat } from '../../lib/insights/exportFormats.ts';
import { type ExportManifest, publicKeyHex } from '../../lib/insights/exportManifest.ts';
import { customPeriod } from '../../lib/insights/exportPeriods.ts';
import { DAY_MS } from '../../lib/time/durations.ts';
import { type InsurerEntry, listInsurers, regionOf } from '../adapters/insurerDirectory.ts';
import type { AppDeps, ResourceNames } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { type ExportDeps, exportDepsFromEnv, exportForInsurer } from '../scheduled/insightsExport.ts';
import { type AuthDeps, authorize, requireInsurer } from './auth.ts';
import {
  badRequest,
  forbidden,
  type HttpEvent,
  header,
  httpHandler,
  json,
  jsonBody,
  notFound,
  parseWith,
} from './httpKit.ts';

/** Download URLs live an hour: long enough to fetch a month's files, short enough not to be shared around. */
const URL_TTL_MS = 3600_000;
/** An on-demand export covers at most a quarter, like the area queries. */
const MAX_EXPORT_DAYS = 92;

const timeSchema = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const requestSchema = z
  .object({
    insurerId: z.string().min(1).max(100).optional(),
    from: timeSchema,
    to: timeSchema,
    format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]),
  })
  .strict();

/** One export as `GET /v1/insights/exports` lists it. */
export interface ExportListing {
  folder: string;
  period: ExportManifest['period'];
  format: ExportFormat;
  schemaVersion: number;
  manifestUrl: string;
  manifest: ExportManifest;
  files: { name: string; url: string; rows: number; bytes: number; sha256: string }[];
  signature: string;
}

const origin = (event: HttpEvent) =>
  `${header(event, 'x-forwarded-proto') ?? 'http'}://${header(event, 'host') ?? event.requestContext.domainName}`;

async function listing(
  x: ExportDeps,
  folder: string,
  event: HttpEvent,
  nowMs: number,
): Promise<ExportListing | undefined> {
  const raw = await x.store.get(`${folder}manifest.json`);
  if (!raw) return undefined;
  const manifest = JSON.parse(new TextDecoder().decode(raw)) as ExportManifest;
  const expires = nowMs + URL_TTL_MS;
  const base = origin(event);
  return {
    folder,
    period: manifest.period,
    format: manifest.files[0]?.format ?? 'csv',
    schemaVersion: manifest.schemaVersion,
    manifestUrl: await x.store.urlFor(`${folder}manifest.json`, expires, base),
    manifest,
    files: await Promise.all(
      manifest.files.map(async (f) => ({
        name: f.name,
        url: await x.store.urlFor(`${folder}${f.name}`, expires, base),
        rows: f.rows,
        bytes: f.bytes,
        sha256: f.sha256,
      })),
    ),
    signature: manifest.signature,
  };
}

/**
 * The insurer export routes, one function:
 * - `GET /v1/insights/exports` (insurer key): the caller's own exports — only keys under its own
 *   prefix are ever listed or signed — with download URLs and each manifest;
 * - `POST /v1/insights/exports` (insurer key for itself, or an operator for `insurerId`): builds an
 *   export of whole UTC days on demand (`dashnet export` calls it) and answers its listing;
 * - `GET /v1/insights/exports/public-key` (public): the Ed25519 key the manifests are signed with;
 * - `GET /v1/insights/exports/download` (public, signed URL): local stack only; on AWS the URLs
 *   are S3 presigned URLs and this route answers 404.
 * Every listing and export is audited (`insurer.query` by `requireInsurer`, `insurer.export`).
 */
/** Authorisation, the aggregates, the audit log, and the insurer list (an Identity Scan). */
export type ExportsHandlerDeps = AuthDeps &
  Pick<AppDeps, 'insights' | 'audit' | 'clients'> & { names: Pick<ResourceNames, 'identityTable'> };

export function createExportsHandler(deps: ExportsHandlerDeps, x: ExportDeps = exportDepsFromEnv()) {
  return httpHandler(async (event) => {
    switch (event.routeKey) {
      case 'GET /v1/insights/exports/public-key':
        return json(200, { algorithm: 'Ed25519', publicKey: await publicKeyHex(await x.seed()) });
      case 'GET /v1/insights/exports/download': {
        const q = event.queryStringParameters ?? {};
        const expires = Number(q.expires);
        if (
          !x.store.verifyUrl ||
          !q.key ||
          !q.sig ||
          !x.store.verifyUrl(q.key, expires, q.sig, deps.clock())
        ) {
          throw notFound('no such download, or its URL expired');
        }
        const bytes = await x.store.get(q.key);
        if (!bytes) throw notFound('no such file');
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/octet-stream', 'cache-control': 'private, no-store' },
          body: Buffer.from(bytes).toString('base64'),
          isBase64Encoded: true,
        };
      }
      case 'GET /v1/insights/exports': {
        const p = await requireInsurer(event, deps);
        const keys = await x.store.list(`insurers/${encodeURIComponent(p.id)}/`);
        const folders = [
          ...new Set(
            keys.filter((k) => k.endsWith('/manifest.json')).map((k) => k.slice(0, -'manifest.json'.length)),
          ),
        ];
        const now = deps.clock();
        const exports = (await Promise.all(folders.map((f) => listing(x, f, event, now)))).filter(Boolean);
        return json(200, { exports }, { 'cache-control': 'no-store' });
      }
      case 'POST /v1/insights/exports': {
        const p = await authorize(event, deps);
        const body = parseWith(requestSchema, jsonBody(event, 4096), 'export request');
        if (body.to <= body.from)
          throw badRequest('to must be after from', [{ path: '/to', message: 'not after from' }]);
        if (body.to - body.from > MAX_EXPORT_DAYS * DAY_MS) {
          throw badRequest(`period longer than ${MAX_EXPORT_DAYS} days`, [
            { path: '/to', message: 'period too long' },
          ]);
        }
        let insurer: InsurerEntry | undefined;
        if (p.role === 'insurer') {
          if (body.insurerId && body.insurerId !== p.id)
            throw forbidden('an insurer may export only its own data');
          // The caller's own regions come with its credential: no Scan needed.
          const regions = (p.regions ?? []).map(regionOf).filter((r) => r !== undefined);
          insurer = { insurerId: p.id, name: p.id, regions };
        } else if (p.role === 'operator') {
          if (!body.insurerId)
            throw badRequest('insurerId is required', [{ path: '/insurerId', message: 'required' }]);
          insurer = (await listInsurers(deps.clients.ddb, deps.names.identityTable)).find(
            (i) => i.insurerId === body.insurerId,
          );
        } else throw forbidden('an insurer key or operator credential is required');
        if (!insurer) throw notFound('no such insurer');
        if (insurer.regions.length === 0) {
          throw badRequest('the insurer has no regions to export', [
            { path: '/insurerId', message: 'no regions' },
          ]);
        }
        const period = customPeriod(body.from, body.to);
        const { folder } = await exportForInsurer(deps, x, {
          insurer,
          period,
          format: body.format,
          actor: { role: p.role, id: p.id },
        });
        return json(201, await listing(x, folder, event, deps.clock()), { 'cache-control': 'no-store' });
      }
      default:
        throw notFound(`no export route ${event.routeKey}`);
    }
  });
}

export const handler = lambdaEntry(createExportsHandler, 'insightsExports');
