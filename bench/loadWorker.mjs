// Load generator for the ingest benchmark, on its own thread: the client's HTTP work must not
// run on the thread that serves the requests, as it would not in production.
//
// Two modes:
// - `closed`: `concurrency` clients post back to back until `durationMs` passes or the requests
//   run out — the saturation throughput.
// - `open`: requests start on a fixed schedule (`ratePerS`), whether or not earlier ones have
//   answered, and latency counts from the scheduled start: a slow server cannot hide its
//   queueing by slowing the client down (coordinated omission).
import { parentPort, workerData } from 'node:worker_threads';

const { url, requests, mode, concurrency, durationMs, ratePerS } = workerData;
const latencies = [];
const statuses = {};
let sentEvents = 0;
let acceptedEvents = 0;

async function post(r, startedAt) {
  const res = await fetch(`${url}/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
    body: r.body,
  });
  const text = await res.text();
  latencies.push(performance.now() - startedAt);
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  sentEvents += r.events;
  if (res.status === 202) acceptedEvents += JSON.parse(text).accepted;
}

const t0 = performance.now();
if (mode === 'closed') {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length && performance.now() - t0 < durationMs) {
        const r = requests[next++];
        await post(r, performance.now());
      }
    }),
  );
} else {
  const intervalMs = 1000 / ratePerS;
  const inflight = [];
  for (let i = 0; i < requests.length; i++) {
    const due = t0 + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(requests[i], due));
  }
  await Promise.all(inflight);
}
parentPort.postMessage({
  elapsedMs: performance.now() - t0,
  latencies,
  statuses,
  sentEvents,
  acceptedEvents,
});
