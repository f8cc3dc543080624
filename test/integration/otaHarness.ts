import type { IncomingMessage } from 'node:http';
import { createArtefactOfferHandler, createArtefactsHandler } from '../../functions/http/artefacts.ts';
import { matchPath, ROUTES } from '../../lib/api/functions.ts';
import { AUTHZ_MATRIX, type Role } from '../../lib/auth/authzMatrix.ts';
import { localContext } from '../../local/esmRunner.ts';
import { type ExtraRoute, toGatewayEvent } from '../../local/httpServer.ts';
import type { LocalStackHandle } from '../../local/localStack.ts';

/**
 * The OTA tests' harness until the lead wires the routes (lib/api/functions.ts FUNCTIONS,
 * functions/registry.ts) and the ingest hook (functions/http/telemetry.ts): the same handlers
 * served through the local server's `extra` hook, with their authorisation entries. Once
 * `GET /v1/models/current` is declared, `wired` is true and the tests use the real HTTP API only.
 */
export const wired = ROUTES.some((r) => r.path === '/v1/models/current');

const ANYONE: readonly Role[] = ['device', 'public', 'insurer', 'operator', 'legal'];
const ARTEFACT_ROUTES: { method: string; path: string; fn: 'artefacts' | 'offer'; roles: readonly Role[] }[] =
  [
    { method: 'POST', path: '/v1/artefacts', fn: 'artefacts', roles: ['operator'] },
    { method: 'GET', path: '/v1/artefacts', fn: 'artefacts', roles: ['operator'] },
    { method: 'GET', path: '/v1/artefacts/download', fn: 'artefacts', roles: ANYONE },
    { method: 'PUT', path: '/v1/artefacts/upload', fn: 'artefacts', roles: ANYONE },
    { method: 'GET', path: '/v1/artefacts/{kind}/{name}', fn: 'artefacts', roles: ['operator'] },
    {
      method: 'POST',
      path: '/v1/artefacts/{kind}/{name}/{version}/promote',
      fn: 'artefacts',
      roles: ['operator'],
    },
    {
      method: 'POST',
      path: '/v1/artefacts/{kind}/{name}/{version}/rollback',
      fn: 'artefacts',
      roles: ['operator'],
    },
    { method: 'GET', path: '/v1/models/current', fn: 'offer', roles: ['device'] },
    { method: 'GET', path: '/v1/config/current', fn: 'offer', roles: ['device'] },
  ];

/** Adds the artefact routes' authorisation entries (unwired only; the matrix is derived once wired). */
export function authorizeArtefactRoutes(): void {
  if (!wired)
    Object.assign(
      AUTHZ_MATRIX,
      Object.fromEntries(ARTEFACT_ROUTES.map((r) => [`${r.method} ${r.path}`, r.roles])),
    );
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The local stack's `extra` option serving the artefact routes (unwired only). */
export function artefactRouter(stack: LocalStackHandle): ExtraRoute {
  const handlers = {
    artefacts: createArtefactsHandler(stack.deps),
    offer: createArtefactOfferHandler(stack.deps),
  };
  return async (req, res, url) => {
    const hit = ARTEFACT_ROUTES.find((r) => r.method === req.method && matchPath(r.path, url.pathname));
    if (!hit) return false;
    const params = matchPath(hit.path, url.pathname) ?? {};
    const event = toGatewayEvent(req, url, `${hit.method} ${hit.path}`, params, await bodyOf(req));
    const result = await handlers[hit.fn](event, localContext(hit.fn));
    res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
    res.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
    return true;
  };
}
