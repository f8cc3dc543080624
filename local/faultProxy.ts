import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrng } from '../lib/random/prng.ts';
import type { EmulatorEndpoints } from './emulators.ts';

/**
 * What the proxy can do to one AWS call:
 * - `throttle`: the service's throttling answer (DynamoDB: 400 ProvisionedThroughputExceededException,
 *   and for BatchWriteItem some requests handed back as UnprocessedItems, the others written;
 *   Kinesis: 400 ProvisionedThroughputExceededException, and for PutRecords a partial failure —
 *   some records refused with that error code, the others written — as Kinesis does);
 * - `error500`: a 500 InternalServerError / InternalFailure;
 * - `latency`: the call is held `param` ms (default 100) before it is forwarded;
 * - `reset`: the connection is cut before the request reaches the service;
 * - `lost`: the request is forwarded and applied, then the connection is cut before the answer;
 * - `kill-before` / `kill-after`: SIGKILL this process before forwarding / after the service
 *   applied the call but before the answer (the crash harness's targeted kill points).
 */
export const FAULT_KINDS = [
  'throttle',
  'error500',
  'latency',
  'reset',
  'lost',
  'kill-before',
  'kill-after',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One rule: `fault` on calls whose `Operation Resource` text contains `match`, with probability `rate`. */
export interface FaultRule {
  fault: FaultKind;
  /**
   * Substring of `<Operation> <TableName|StreamName>`, e.g. `PutRecords`, `UpdateItem Stats`, or
   * its end when it ends with `$`; all calls when absent.
   */
  match?: string;
  rate: number;
  /** Latency in ms for `latency`. */
  param?: number;
}

export interface FaultSpec {
  seed: number;
  rules: FaultRule[];
}

/** Error family of this module: a spec that does not parse. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
  readonly code = 'FAULT_SPEC_INVALID';
}

/**
 * Parses `fault[@match]=rate[:param];…;seed=N`, e.g.
 * `throttle=0.05;lost@PutItem=0.02;latency=0.1:200;kill-after@PutRecords=0.1;seed=7`.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { seed: 1, rules: [] };
  for (const part of text
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`fault rule "${part}" has no "=rate"`);
    const head = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (head === 'seed') {
      spec.seed = Number(value);
      if (!Number.isInteger(spec.seed)) throw new FaultSpecError(`seed must be an integer, got "${value}"`);
      continue;
    }
    const at = head.indexOf('@');
    const fault = (at < 0 ? head : head.slice(0, at)) as FaultKind;
    if (!FAULT_KINDS.includes(fault))
      throw new FaultSpecError(`unknown fault "${fault}" (one of ${FAULT_KINDS.join(', ')})`);
    const [rateText, paramText] = value.split(':');
    const rate = Number(rateText);
    if (!(rate >= 0 && rate <= 1)) throw new FaultSpecError(`rate of "${part}" must be in [0, 1]`);
    const rule: FaultRule = { fault, rate };
    if (at >= 0) rule.match = head.slice(at + 1);
    if (paramText !== undefined) {
      rule.param = Number(paramText);
      if (!(rule.param >= 0)) throw new FaultSpecError(`parameter of "${part}" must be a number ≥ 0`);
    }
    spec.rules.push(rule);
  }
  return spec;
}

/** `match` is a substring of the call's text, or its end when it ends with `$` (`PutItem dashnet-local-Insights$`). */
function matches(text: string, match: string): boolean {
  return match.endsWith('$') ? text.endsWith(match.slice(0, -1)) : text.includes(match);
}

/** The project's seeded generator (lib/random/prng.ts): the same spec and seed inject the same faults. */
export function seededRandom(seed: number): () => number {
  const prng = createPrng(seed);
  return () => prng.next();
}

export type ServiceKind = 'dynamodb' | 'kinesis';

export interface FaultProxyOptions {
  /** The emulator (or service) endpoint to forward to. */
  target: string;
  service: ServiceKind;
  spec: FaultSpec;
  /** What a kill rule does; SIGKILL of this process by default (tests pass a spy). */
  kill?: () => void;
}

export interface FaultProxy {
  url: string;
  /** How many calls went through, and how many of each fault were injected. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

interface Call {
  operation: string;
  resource: string;
  body: Buffer;
}

function describeCall(req: IncomingMessage, body: Buffer): Call {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  let resource = '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TableName?: string; StreamName?: string };
    resource = parsed.TableName ?? parsed.StreamName ?? '';
  } catch {
    // Not JSON (never from the SDK): matched by operation alone.
  }
  return { operation, resource, body };
}

/** The body and status each service answers a throttled or failed call with (JSON 1.0 / 1.1 protocols). */
function errorAnswer(service: ServiceKind, fault: 'throttle' | 'error500', call: Call) {
  if (service === 'dynamodb') {
    return fault === 'throttle'
      ? {
          status: 400,
          type: 'application/x-amz-json-1.0',
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          },
        }
      : {
          status: 500,
          type: 'application/x-amz-json-1.0',
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'Internal server error',
          },
        };
  }
  return fault === 'throttle'
    ? {
        status: 400,
        type: 'application/x-amz-json-1.1',
        body: {
          __type: 'ProvisionedThroughputExceededException',
          message: `Rate exceeded for shard in stream ${call.resource} under account 000000000000.`,
        },
      }
    : {
        status: 500,
        type: 'application/x-amz-json-1.1',
        body: { __type: 'InternalFailure', message: 'Internal service failure.' },
      };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * An HTTP proxy between the AWS SDK clients and an emulator that injects faults per call
 * (see {@link FaultKind}), with seeded randomness. Only the local stack and the fault harness
 * use it: it is what lets the tests show that throttling, 5xx, latency, cut connections, lost
 * answers and crashes at chosen calls neither lose nor double-count an event.
 */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(opts.spec.seed);
  const counts: Record<string, number> = { calls: 0 };
  const bump = (k: string) => {
    counts[k] = (counts[k] ?? 0) + 1;
  };
  const kill = opts.kill ?? (() => process.kill(process.pid, 'SIGKILL'));
  const target = new URL(opts.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const up = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const send = (res: ServerResponse, up: Upstream) => {
    const { 'transfer-encoding': _chunked, ...rest } = up.headers;
    const headers = { ...rest, 'content-length': String(up.body.length) };
    res.writeHead(up.status, headers);
    res.end(up.body);
  };

  /**
   * Kinesis refuses some records of a PutRecords and writes the others: each record is refused
   * with probability ½ (at least one), only the others are forwarded, and the answer merges both.
   */
  const partialPutRecords = async (req: IncomingMessage, call: Call, res: ServerResponse) => {
    const input = JSON.parse(call.body.toString('utf8')) as { Records: unknown[] };
    const refused = input.Records.map(() => random() < 0.5);
    if (!refused.includes(true)) refused[Math.floor(random() * refused.length)] = true;
    const kept = input.Records.filter((_, i) => !refused[i]);
    let results: { ErrorCode?: string }[] = [];
    if (kept.length > 0) {
      const up = await forward(req, Buffer.from(JSON.stringify({ ...input, Records: kept })));
      if (up.status !== 200) return send(res, up);
      results = (JSON.parse(up.body.toString('utf8')) as { Records: { ErrorCode?: string }[] }).Records;
    }
    let j = 0;
    const merged = refused.map((r) =>
      r
        ? {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: 'Rate exceeded for shard in stream under account 000000000000.',
          }
        : results[j++]!,
    );
    const failed = merged.filter((r) => r.ErrorCode !== undefined).length;
    const body = Buffer.from(JSON.stringify({ FailedRecordCount: failed, Records: merged }));
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(body.length),
    });
    res.end(body);
  };

  /**
   * DynamoDB throttles part of a BatchWriteItem the same way: the refused requests come back as
   * `UnprocessedItems` in a 200 answer (each with probability ½, at least one), the others are written.
   */
  const partialBatchWrite = async (req: IncomingMessage, call: Call, res: ServerResponse) => {
    const input = JSON.parse(call.body.toString('utf8')) as { RequestItems: Record<string, unknown[]> };
    const entries = Object.entries(input.RequestItems).flatMap(([t, reqs]) =>
      reqs.map((r) => [t, r] as const),
    );
    const refused = entries.map(() => random() < 0.5);
    if (!refused.includes(true)) refused[Math.floor(random() * refused.length)] = true;
    const group = (keep: boolean) => {
      const out: Record<string, unknown[]> = {};
      entries.forEach(([t, r], i) => {
        if (refused[i] !== keep) out[t] = [...(out[t] ?? []), r];
      });
      return out;
    };
    const kept = group(true);
    const unprocessed = group(false);
    if (Object.keys(kept).length > 0) {
      const up = await forward(req, Buffer.from(JSON.stringify({ ...input, RequestItems: kept })));
      if (up.status !== 200) return send(res, up);
      const upUnprocessed = (
        JSON.parse(up.body.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> }
      ).UnprocessedItems;
      for (const [t, reqs] of Object.entries(upUnprocessed ?? {}))
        unprocessed[t] = [...(unprocessed[t] ?? []), ...reqs];
    }
    const body = Buffer.from(JSON.stringify({ UnprocessedItems: unprocessed }));
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const call = describeCall(req, body);
    bump('calls');
    const text = `${call.operation} ${call.resource}`;
    let chosen: FaultRule | undefined;
    for (const rule of opts.spec.rules) {
      if (rule.match !== undefined && !matches(text, rule.match)) continue;
      if (random() >= rule.rate) continue;
      if (rule.fault === 'latency') {
        bump('latency');
        await new Promise((r) => setTimeout(r, rule.param ?? 100));
        continue;
      }
      chosen = rule;
      break;
    }
    if (!chosen) return send(res, await forward(req, body));
    bump(chosen.fault);
    switch (chosen.fault) {
      case 'throttle':
      case 'error500': {
        if (chosen.fault === 'throttle' && opts.service === 'kinesis' && call.operation === 'PutRecords') {
          return partialPutRecords(req, call, res);
        }
        if (
          chosen.fault === 'throttle' &&
          opts.service === 'dynamodb' &&
          call.operation === 'BatchWriteItem'
        ) {
          return partialBatchWrite(req, call, res);
        }
        const a = errorAnswer(opts.service, chosen.fault, call);
        const out = Buffer.from(JSON.stringify(a.body));
        res.writeHead(a.status, { 'content-type': a.type, 'content-length': String(out.length) });
        return res.end(out);
      }
      case 'reset':
        return req.socket.destroy();
      case 'lost':
        await forward(req, body);
        return req.socket.destroy();
      case 'kill-before':
        return kill();
      case 'kill-after':
        await forward(req, body);
        return kill();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The emulator itself failed (closing): the caller sees a cut connection, as from a dead host.
      req.socket.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Fault proxies in front of both emulators, as the local stack uses them. */
export interface StackFaultProxies {
  endpoints: EmulatorEndpoints;
  counts(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a proxy in front of each endpoint with one spec (the DynamoDB proxy with seed + 1, so
 * the two do not draw the same sequence).
 */
export async function startStackFaultProxies(
  spec: FaultSpec,
  endpoints: EmulatorEndpoints,
  kill?: () => void,
): Promise<StackFaultProxies> {
  const kinesis = await startFaultProxy({
    target: endpoints.kinesis,
    service: 'kinesis',
    spec,
    ...(kill ? { kill } : {}),
  });
  const dynamodb = await startFaultProxy({
    target: endpoints.dynamodb,
    service: 'dynamodb',
    spec: { ...spec, seed: spec.seed + 1 },
    ...(kill ? { kill } : {}),
  });
  const streamSide = endpoints.dynamodbStreamSide
    ? await startFaultProxy({
        target: endpoints.dynamodbStreamSide,
        service: 'dynamodb',
        spec: { ...spec, seed: spec.seed + 2 },
        ...(kill ? { kill } : {}),
      })
    : undefined;
  const proxies = [kinesis, dynamodb, ...(streamSide ? [streamSide] : [])];
  return {
    endpoints: {
      kinesis: kinesis.url,
      dynamodb: dynamodb.url,
      ...(streamSide ? { dynamodbStreamSide: streamSide.url } : {}),
    },
    counts: () => {
      const out: Record<string, number> = {};
      for (const [k, v] of proxies.flatMap((p) => Object.entries(p.counts()))) out[k] = (out[k] ?? 0) + v;
      return out;
    },
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}
