import type { ByteFetch } from './byteFetch.ts';

/**
 * Node adapter: `fetch` as a {@link ByteFetch}. Lives beside the updater rather than in
 * `edge/adapters/node.ts` only until that file takes it over; the camera bundle never imports it
 * (QuickJS has no `fetch`; its host uses `base64ByteFetch`).
 */
export const nodeByteFetch: ByteFetch = async (req) => {
  const res = await fetch(req.url, { method: 'GET', headers: req.headers, redirect: 'follow' });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
};
