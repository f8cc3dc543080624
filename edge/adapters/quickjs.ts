import type { EdgePlatform } from '../core/platform.ts';
import { createSeededRandom } from '../core/random.ts';
import type { TransportRequest, TransportResponse } from '../core/transport.ts';

/**
 * What a QuickJS host (camera firmware, or quickjs-emscripten in tests) hands the bundle.
 * Plain functions and strings only: that is all that crosses a QuickJS boundary cheaply.
 */
export interface QuickJsHost {
  nowMs(): number;
  /** Seed for the PRNG, drawn by the host from its hardware RNG at boot. */
  randomSeed: string;
  storageGet(key: string): string | undefined | null;
  storageSet(key: string, value: string): void;
  storageDelete(key: string): void;
  log(level: 'info' | 'warn', message: string, fieldsJson: string): void;
  /**
   * Sends a request; resolves to a JSON `TransportResponse`. Absent: no uplink. `method` is
   * `POST` (telemetry) or `GET` (hazards for driver alerts; `body` is then empty).
   */
  send?(url: string, headersJson: string, body: string, method: 'GET' | 'POST'): Promise<string>;
}

/** Builds the {@link EdgePlatform} from a QuickJS host. No gzip: QuickJS has no compressor. */
export function createQuickJsPlatform(host: QuickJsHost): EdgePlatform {
  const platform: EdgePlatform = {
    clock: { nowMs: () => host.nowMs() },
    random: createSeededRandom(host.randomSeed),
    storage: {
      get: (k) => host.storageGet(k) ?? undefined,
      set: (k, v) => host.storageSet(k, v),
      delete: (k) => host.storageDelete(k),
    },
    logger: {
      info: (m, f) => host.log('info', m, JSON.stringify(f ?? {})),
      warn: (m, f) => host.log('warn', m, JSON.stringify(f ?? {})),
    },
  };
  const send = host.send;
  if (send) {
    platform.transport = async (req) => {
      // Without gzip the body is always text here.
      const body = typeof req.body === 'string' ? req.body : '';
      const method = (req as TransportRequest & { method?: string }).method === 'GET' ? 'GET' : 'POST';
      const text = await send(req.url, JSON.stringify(req.headers), method === 'GET' ? '' : body, method);
      return JSON.parse(text) as TransportResponse;
    };
  }
  return platform;
}
