import { type CrashReport, runCrashHarness } from '../test/faults/crashHarness.ts';
import type { BenchResult } from './types.ts';

/** The fault mixes: each injected on every AWS call of the stack (local/faultProxy.ts spec). */
export const FAULT_MIXES: Record<string, string> = {
  throttle: 'throttle=0.05',
  '5xx': 'error500=0.03',
  latency: 'latency=0.2:50',
  resets: 'reset=0.03',
  lost_responses: 'lost=0.03',
  all: 'throttle=0.02;error500=0.01;latency=0.05:30;reset=0.01;lost=0.01',
};

const FLEET = { cameras: 12, deletedCameras: 2, batchesPerCamera: 3, paceMs: 600 };
/** The throughput runs: more cameras, so that the stack rather than the fleet's pace is the limit. */
const LOAD = { cameras: 40, deletedCameras: 0, batchesPerCamera: 4, paceMs: 500 };

function lossFigures(mix: string, r: CrashReport, note: string): BenchResult[] {
  return [
    {
      name: `faults.events_lost.${mix}`,
      value: r.verdict.eventsLost + r.refused,
      unit: 'events',
      better: 'lower',
      target: 0,
      note,
    },
    {
      name: `faults.double_counted.${mix}`,
      value: r.verdict.doubleCounted,
      unit: 'events',
      better: 'lower',
      target: 0,
      note,
    },
  ];
}

/**
 * `dashnet bench --only faults`: the stack as a child process (`dashnet serve`) on a data
 * directory, a simulated fleet with known ground truth, every AWS call through the fault proxy.
 * Per fault mix, events lost and counted twice against that ground truth (buckets, hazards,
 * baselines, insights, deletions, `/v1/ops/stats`); the same with SIGKILLs at targeted calls and
 * the time from the last restart to the backlog drained; and throughput with 5 % of calls
 * throttled against none. About five minutes.
 */
export async function runFaultsBench(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const fleetNote = `${FLEET.cameras} cameras × ${FLEET.batchesPerCamera} batches of 3 events`;
  for (const [mix, spec] of Object.entries(FAULT_MIXES)) {
    const r = await runCrashHarness({ cycles: 0, faults: spec, seed: 3, ...FLEET });
    out.push(...lossFigures(mix, r, `${spec}; ${fleetNote}; ${r.events} events`));
  }
  const kills = await runCrashHarness({ cycles: 8, seed: 5, ...FLEET, batchesPerCamera: 2 });
  const fired = Object.entries(kills.kills)
    .filter(([k]) => k !== 'random timing')
    .reduce((n, [, v]) => n + v.fired, 0);
  const killNote = `${kills.cycles} SIGKILLs (${fired} at targeted calls), ${kills.events} events`;
  out.push(...lossFigures('kills', kills, killNote));
  out.push({
    name: 'faults.recovery_s_after_kill',
    value: Math.round(kills.recoveryS * 10) / 10,
    unit: 's',
    better: 'lower',
    note: 'from the last restart (process spawn, start-up included) to the backlog drained and every deletion done',
  });
  const loadNote = `${LOAD.cameras} cameras, a batch of 3 events each every ${LOAD.paceMs} ms; first send to the backlog drained`;
  const clean = await runCrashHarness({ cycles: 0, seed: 7, ...LOAD });
  const throttled = await runCrashHarness({ cycles: 0, seed: 7, faults: 'throttle=0.05', ...LOAD });
  out.push(
    {
      name: 'faults.throughput_clean',
      value: Math.round(clean.throughputEventsPerS),
      unit: 'events/s',
      better: 'higher',
      note: `${loadNote}; lost ${clean.verdict.eventsLost}, double ${clean.verdict.doubleCounted}`,
    },
    {
      name: 'faults.throughput_throttled_5pct',
      value: Math.round(throttled.throughputEventsPerS),
      unit: 'events/s',
      better: 'higher',
      note: `${loadNote}; 5 % of AWS calls throttled (each camera waits for its answer, so retry backoff lowers the rate); lost ${throttled.verdict.eventsLost}, double ${throttled.verdict.doubleCounted}`,
    },
  );
  out.push(
    {
      name: 'faults.events_lost',
      value: out.filter((b) => b.name.startsWith('faults.events_lost.')).reduce((n, b) => n + b.value, 0),
      unit: 'events',
      better: 'lower',
      target: 0,
      note: 'sum over every fault mix and the kills',
    },
    {
      name: 'faults.double_counted',
      value: out.filter((b) => b.name.startsWith('faults.double_counted.')).reduce((n, b) => n + b.value, 0),
      unit: 'events',
      better: 'lower',
      target: 0,
      note: 'sum over every fault mix and the kills',
    },
  );
  return out;
}
