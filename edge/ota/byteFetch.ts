import type { TransportResponse } from '../core/transport.ts';
import { decodeBase64 } from './encoding.ts';

/** A GET for an artefact's bytes. */
export interface ByteFetchRequest {
  url: string;
  headers: Record<string, string>;
  /**
   * The signed size: a host may stop reading past it (the updater refuses a longer body anyway),
   * so a hostile server cannot fill the camera's memory.
   */
  maxBytes?: number;
}

/** The answer to a {@link ByteFetchRequest}: the status and the raw body. */
export interface ByteFetchResponse {
  status: number;
  bytes: Uint8Array;
}

/**
 * Fetches bytes (GET). Rejects only for network failures; HTTP errors are responses. The
 * platform's `Transport` answers text, which cannot carry an `.onnx` faithfully, so artefact
 * downloads go through this narrower function; hosts build it from whatever their HTTP stack
 * offers (`nodeByteFetch` on Node, {@link base64ByteFetch} on a QuickJS host).
 */
export type ByteFetch = (req: ByteFetchRequest) => Promise<ByteFetchResponse>;

/**
 * A {@link ByteFetch} over a QuickJS host function: only strings cross that boundary cheaply,
 * so the host answers a JSON `TransportResponse` whose `body` is the payload in base64. The host
 * may stop reading one byte past `maxBytes` (the signed size; -1 when unknown).
 *
 * @example
 * const fetchBytes = base64ByteFetch((url, headersJson) => host.getBase64(url, headersJson));
 */
export function base64ByteFetch(
  hostGet: (url: string, headersJson: string, maxBytes: number) => Promise<string>,
): ByteFetch {
  return async (req) => {
    const res = JSON.parse(
      await hostGet(req.url, JSON.stringify(req.headers), req.maxBytes ?? -1),
    ) as TransportResponse;
    return { status: res.status, bytes: decodeBase64(res.body) };
  };
}
