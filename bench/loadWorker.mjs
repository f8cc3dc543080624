// Load generator for the ingest benchmark, on its own thread: the client's HTTP work must not
// run on the thread that serves the requests, as it would not in production.
import { parentPort, workerData } from 'node:worker_threads';

const { url, requests, concurrency } = workerData;
const latencies = [];
const statuses = {};
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const r = requests[next++];
      const s = performance.now();
      const res = await fetch(`${url}/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
        body: r.body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - s);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }),
);
parentPort.postMessage({ elapsedMs: performance.now() - t0, latencies, statuses });
