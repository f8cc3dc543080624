import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpEvent, type HttpResult, withSecurityHeaders } from '../functions/http/httpKit.ts';
import type { Invocable } from '../functions/runtime/lambdaDeps.ts';
import { matchPath, ROUTES } from '../lib/api/functions.ts';
import { PROBLEM_TYPES } from '../lib/contract/problem.ts';
import { localContext } from './esmRunner.ts';

/** API Gateway's own payload limit (10 MB); the handlers enforce the contract's 1 MiB. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

function problem(res: ServerResponse, status: number, type: string, title: string, detail: string): void {
  res.writeHead(
    status,
    withSecurityHeaders({ 'content-type': 'application/problem+json' }) as Record<string, string>,
  );
  res.end(JSON.stringify({ type, title, status, detail }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The API Gateway HTTP API (payload v2) event for a request, as AWS would deliver it. */
export function toGatewayEvent(
  req: IncomingMessage,
  url: URL,
  routeKey: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0,
  };
}

function send(res: ServerResponse, result: HttpResult): void {
  const headers = { ...(result.headers ?? {}) } as Record<string, string | number | boolean>;
  res.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  if (result.body === undefined) res.end();
  else res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * The local HTTP API: each contract route invokes its function's handler with an API Gateway
 * v2 event, exactly as API Gateway would. `extra` serves local-only pages (the map).
 */
export async function startHttpServer(opts: {
  port: number;
  handlers: Record<string, Invocable<HttpEvent, HttpResult>>;
  extra?: ExtraRoute;
  log?: (line: string) => void;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      // A path whose %-escapes do not decode (`%E0%A4%A`) names no resource: 400, where the
      // route matcher's decodeURIComponent would otherwise throw and answer 500.
      try {
        decodeURIComponent(url.pathname);
      } catch {
        problem(
          res,
          400,
          PROBLEM_TYPES.validation,
          'Malformed path',
          'the path is not valid percent-encoding',
        );
        return;
      }
      const matches = ROUTES.map((r) => ({ r, params: matchPath(r.path, url.pathname) })).filter(
        (m) => m.params,
      );
      const hit = matches.find((m) => m.r.method === method);
      if (!hit) {
        if (opts.extra && (await opts.extra(req, res, url))) return;
        if (matches.length > 0) {
          res.setHeader('allow', matches.map((m) => m.r.method).join(', '));
          problem(res, 405, PROBLEM_TYPES.notFound, 'Method not allowed', `${method} is not allowed here`);
        } else {
          problem(res, 404, PROBLEM_TYPES.notFound, 'Not found', `no route for ${url.pathname}`);
        }
        return;
      }
      const body = await readBody(req);
      if (body === 'too-large') {
        problem(res, 413, PROBLEM_TYPES.tooLarge, 'Payload too large', 'body exceeds the gateway limit');
        return;
      }
      const routeKey = `${hit.r.method} ${hit.r.path}`;
      const handler = opts.handlers[hit.r.fn];
      if (!handler) throw new Error(`no handler for ${hit.r.fn}`);
      const event = toGatewayEvent(req, url, routeKey, hit.params ?? {}, body);
      send(res, await handler(event, localContext(hit.r.fn)));
    } catch (err) {
      opts.log?.(`http: ${String(err)}`);
      if (!res.headersSent) problem(res, 500, PROBLEM_TYPES.internal, 'Internal error', 'request failed');
      else res.end();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      }),
  };
}
