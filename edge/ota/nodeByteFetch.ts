import type { ByteFetch } from './byteFetch.ts';

/**
 * Node adapter: `fetch` as a {@link ByteFetch}. Reads at most `maxBytes + 1` bytes (one more than
 * signed, so an over-long body is still seen as such and refused) and then cancels the stream.
 * Lives beside the updater rather than in `edge/adapters/node.ts` only until that file takes it
 * over; the camera bundle never imports it (QuickJS has no `fetch`; its host uses
 * `base64ByteFetch`).
 */
export const nodeByteFetch: ByteFetch = async (req) => {
  const res = await fetch(req.url, { method: 'GET', headers: req.headers, redirect: 'follow' });
  const limit = req.maxBytes === undefined ? Number.POSITIVE_INFINITY : req.maxBytes + 1;
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = res.body?.getReader();
  while (reader && length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  await reader?.cancel().catch(() => {});
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const p of parts) {
    const take = p.subarray(0, bytes.length - offset);
    bytes.set(take, offset);
    offset += take.length;
  }
  return { status: res.status, bytes };
};
