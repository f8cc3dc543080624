import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EdgePlatform } from '../core/platform.ts';
import { createSeededRandom, type Random } from '../core/random.ts';
import { type KeyValueStorage, MemoryStorage } from '../core/storage.ts';
import type { Transport, TransportRequest } from '../core/transport.ts';

/**
 * Storage in a directory, one file per key, written atomically (write to a temp file, then
 * rename), so a power cut never leaves a half-written queue entry.
 */
export class FileStorage implements KeyValueStorage {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(key: string): string | undefined {
    try {
      return readFileSync(this.path(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  set(key: string, value: string): void {
    const p = this.path(key);
    writeFileSync(`${p}.tmp`, value);
    renameSync(`${p}.tmp`, p);
  }

  delete(key: string): void {
    rmSync(this.path(key), { force: true });
  }

  private path(key: string): string {
    return join(this.dir, encodeURIComponent(key));
  }
}

/** A {@link Random} from the OS CSPRNG (production: zone offsets must be unpredictable). */
export function cryptoRandom(): Random {
  return {
    next: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
  };
}

/**
 * `fetch` as a {@link Transport}. POST unless the request carries `method: 'GET'` (the hazard
 * cache's reads, see `edge/alerts/hazardCache.ts`); a GET goes without a body, as fetch demands.
 */
export const fetchTransport: Transport = async (req) => {
  const method = requestMethod(req);
  const body = typeof req.body === 'string' ? req.body : new Uint8Array(req.body);
  const res = await fetch(req.url, {
    method,
    headers: req.headers,
    ...(method === 'GET' ? {} : { body }),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  return { status: res.status, headers, body: await res.text() };
};

/** The request's HTTP method: `GET` when it says so, else `POST` (all the uplink sends). */
function requestMethod(req: TransportRequest): 'GET' | 'POST' {
  return (req as TransportRequest & { method?: string }).method === 'GET' ? 'GET' : 'POST';
}

/** Options of {@link createNodePlatform}. */
export interface NodePlatformOptions {
  /** Directory for the durable queue and places; in memory when absent. */
  storageDir?: string;
  /** Seed for reproducible runs (replay, tests); the OS CSPRNG when absent. */
  seed?: string;
  /** The BADAS model's bytes (`readBadasModel()` reads the vendored one); no BADAS without. */
  badasModel?: Uint8Array;
  /** Called when the BADAS driver warning is raised and when it clears. */
  onDriverWarning?: EdgePlatform['onDriverWarning'];
}

/** The Node {@link EdgePlatform}: system clock, CSPRNG or seeded PRNG, file storage, fetch, zlib gzip. */
export function createNodePlatform(options: NodePlatformOptions = {}): EdgePlatform {
  return {
    clock: { nowMs: () => Date.now() },
    random: options.seed === undefined ? cryptoRandom() : createSeededRandom(options.seed),
    storage: options.storageDir === undefined ? new MemoryStorage() : new FileStorage(options.storageDir),
    logger: {
      info: (message, fields) =>
        process.stderr.write(`${JSON.stringify({ level: 'info', message, ...fields })}\n`),
      warn: (message, fields) =>
        process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
    },
    transport: fetchTransport,
    gzip: (text) => new Uint8Array(gzipSync(text)),
    ...(options.badasModel === undefined ? {} : { badasModel: options.badasModel }),
    ...(options.onDriverWarning === undefined ? {} : { onDriverWarning: options.onDriverWarning }),
  };
}
