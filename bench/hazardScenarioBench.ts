import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { loadRoadGraph } from '../bin/commands/simulate.ts';
import { rollupBaselines } from '../functions/scheduled/baselineRollup.ts';
import { applyRecords } from '../functions/stream/aggregator.ts';
import { haversineM, headingDiffDeg } from '../lib/geo/distance.ts';
import { baselineRate } from '../lib/hazards/baseline.ts';
import { BucketIndex } from '../lib/hazards/bucketIndex.ts';
import { aggregateExposure, aggregateSignals } from '../lib/hazards/bucketing.ts';
import { detectHazards } from '../lib/hazards/detector.ts';
import { effectiveClearedAtMs, type HazardRecord } from '../lib/hazards/hazardRecord.ts';
import { parseSector, sectorHeading } from '../lib/hazards/headingSector.ts';
import { partitionRecords } from '../lib/ingest/partitionRecords.ts';
import { pseudonymOf, utcDay } from '../lib/privacy/pseudonym.ts';
import { createFleet } from '../lib/sim/fleet.ts';
import type { Incident } from '../lib/sim/incidents.ts';
import { defaultScenario } from '../lib/sim/scenario.ts';
import type { StreamRecord } from '../lib/stream/streamRecord.ts';
import { startLocalStack } from '../local/localStack.ts';
import type { BenchResult } from './types.ts';

/** A hazard matches an incident within this distance (a res-10 cell and its ring span ~200 m). */
const MATCH_RADIUS_M = 200;
/** … and within this heading difference (the detector's own sector group spans ±67.5°). */
const MATCH_HEADING_DEG = 70;

export interface ScenarioScore {
  incidents: number;
  detected: number;
  detectedBusy: number;
  busy: number;
  hazards: number;
  truePositives: number;
  falseAtJunctions: number;
  detectionDelaysMin: number[];
  clearingDelaysMin: number[];
}

function matches(h: HazardRecord, i: Incident): boolean {
  if (haversineM(h.lat, h.lng, i.lat, i.lng) > MATCH_RADIUS_M) return false;
  const heading = sectorHeading(h.sector);
  if (heading !== undefined && headingDiffDeg(heading, i.headingDeg) > MATCH_HEADING_DEG) return false;
  return h.firstSeenMs >= i.startMs - 60_000 && h.firstSeenMs <= i.endMs + 20 * 60_000;
}

/**
 * Runs one simulated scenario through the real aggregator on the emulators, in simulated time
 * (no HTTP: ingest's pseudonymisation and partitioning are applied directly), and scores the
 * hazards against the injected incidents.
 */
export async function runScenario(seed: number, cameras: number, minutes: number): Promise<ScenarioScore> {
  const graph = loadRoadGraph();
  const startMs = Date.UTC(2026, 4, 4, 7, 0, 0);
  const endMs = startMs + minutes * 60_000;
  const scenario = defaultScenario(seed, graph, {
    startMs,
    cameras,
    horizonMs: minutes * 60_000,
    quietRoads: 2,
  });
  const fleet = createFleet(graph, scenario);
  let simNow = startMs;
  const stack = await startLocalStack({ clock: () => simNow });
  const allRecords: StreamRecord[] = [];
  try {
    const dayKey = 'bench-day-key';
    for (let t = startMs + 30_000; t <= endMs + 30 * 60_000; t += 30_000) {
      simNow = t;
      const batches = t <= endMs ? fleet.advanceTo(t) : [];
      const records: StreamRecord[] = [];
      for (const b of batches) {
        const ev = b.body.events;
        if (ev.length === 0) continue;
        const pseudonym = pseudonymOf(fleet.cameraKey(b.camera), utcDay(t), dayKey, stack.deps.hmac);
        for (const p of partitionRecords(ev, pseudonym, b.body.batchId.slice(0, 36))) records.push(p.record);
      }
      allRecords.push(...records);
      if (records.length > 0) await applyRecords(stack.deps, records, t);
      // Hazards that only go stale are cleared when a batch touches their area; give every
      // step a chance (an empty batch still lists the active hazards it can see).
      if (t % 3600_000 === 0) await rollupBaselines(stack.deps, t);
    }
    const res = await stack.deps.clients.ddb.send(
      new ScanCommand({ TableName: stack.deps.names.hazardsTable }),
    );
    const hazards = (res.Items ?? []).map((i) => ({
      id: String(i.id),
      kind: i.kind,
      signal: i.signal,
      cell: String(i.cell),
      sector: parseSector(String(i.sector)),
      lat: Number(i.lat),
      lng: Number(i.lng),
      firstSeenMs: Number(i.firstSeenMs),
      lastSeenMs: Number(i.lastSeenMs),
      cameras: Number(i.cameras),
      confidence: Number(i.confidence),
      ...(i.clearedAtMs !== undefined ? { clearedAtMs: Number(i.clearedAtMs) } : {}),
    })) as HazardRecord[];
    return score(
      fleet.incidents(),
      endMs - 10 * 60_000,
      hazards,
      scenario.busyJunctions,
      allRecords,
      stack.deps.detector,
    );
  } finally {
    await stack.stop();
  }
}

function score(
  allIncidents: Incident[],
  scoredBeforeMs: number,
  hazards: HazardRecord[],
  junctions: readonly { lat: number; lng: number }[],
  records: StreamRecord[],
  detector: Parameters<typeof detectHazards>[0]['config'],
): ScenarioScore {
  // Recall is scored on incidents that started early enough to be seen; any incident makes a hazard true.
  const incidents = allIncidents.filter((i) => i.startMs < scoredBeforeMs);
  const s: ScenarioScore = {
    incidents: incidents.length,
    detected: 0,
    detectedBusy: 0,
    busy: incidents.filter((i) => i.road === 'busy').length,
    hazards: hazards.length,
    truePositives: 0,
    falseAtJunctions: 0,
    detectionDelaysMin: [],
    clearingDelaysMin: [],
  };
  // With complete information (every event, no arrival order), when would the rule first have fired?
  const deltas = [...aggregateSignals(records).values()];
  const index = new BucketIndex().add(deltas).add(aggregateExposure(records).values());
  const ideal = detectHazards({
    deltas,
    index,
    active: [],
    config: { ...detector, maxLatenessMinutes: 1e9 },
    baseline: () => baselineRate({ signals: 0, passers: 0 }),
    nowMs: Date.UTC(2100, 0, 1),
  }).map((c) => c.hazard);

  for (const h of hazards) {
    if (allIncidents.some((i) => matches(h, i))) s.truePositives++;
    else {
      const atJunction = junctions.some((j) => haversineM(h.lat, h.lng, j.lat, j.lng) <= MATCH_RADIUS_M);
      if (atJunction) s.falseAtJunctions++;
      if (process.env.DASHNET_BENCH_DEBUG) {
        const nearest = incidents
          .map((i) => ({ i, d: haversineM(h.lat, h.lng, i.lat, i.lng) }))
          .sort((a, b) => a.d - b.d)[0];
        console.error('false hazard', {
          kind: h.kind,
          cameras: h.cameras,
          sector: h.sector,
          first: new Date(h.firstSeenMs).toISOString(),
          atJunction,
          nearestM: Math.round(nearest?.d ?? -1),
          nearestHeading: nearest?.i.headingDeg,
          nearestWindow: nearest
            ? [new Date(nearest.i.startMs).toISOString(), new Date(nearest.i.endMs).toISOString()]
            : null,
        });
      }
    }
  }
  for (const i of incidents) {
    const found = hazards.filter((h) => matches(h, i)).sort((a, b) => a.firstSeenMs - b.firstSeenMs);
    const first = found[0];
    if (!first) continue;
    s.detected++;
    if (i.road === 'busy') s.detectedBusy++;
    const best = ideal.filter((h) => matches(h, i)).sort((a, b) => a.firstSeenMs - b.firstSeenMs)[0];
    if (best) s.detectionDelaysMin.push(Math.max(0, (first.firstSeenMs - best.firstSeenMs) / 60_000));
    // Potholes persist by design (until repaired, or two weeks without a report).
    const last = found.at(-1)!;
    if (i.kind !== 'pothole') s.clearingDelaysMin.push((effectiveClearedAtMs(last) - i.endMs) / 60_000);
  }
  return s;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
}

/** The hazard-quality figures of `dashnet bench`, on simulated scenarios with ground truth. */
export async function runHazardScenarioBench(): Promise<BenchResult[]> {
  const seeds = [1, 2, 3];
  const scores: ScenarioScore[] = [];
  for (const seed of seeds) scores.push(await runScenario(seed, 100, 90));
  const sum = (f: (s: ScenarioScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const hazards = sum((s) => s.hazards);
  const note = `${seeds.length} simulated scenarios (seeds ${seeds.join(',')}), 100 cameras × 90 min of Pittsburgh, statistical rule`;
  const precision = hazards === 0 ? 0 : sum((s) => s.truePositives) / hazards;
  const recall = sum((s) => s.incidents) === 0 ? 0 : sum((s) => s.detected) / sum((s) => s.incidents);
  const recallBusy = sum((s) => s.busy) === 0 ? 0 : sum((s) => s.detectedBusy) / sum((s) => s.busy);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return [
    { name: 'hazards.precision', value: r3(precision), unit: 'ratio', better: 'higher', target: 0.95, note },
    {
      name: 'hazards.recall',
      value: r3(recall),
      unit: 'ratio',
      better: 'higher',
      target: 0.95,
      note: `${note}; all incidents incl. quiet roads`,
    },
    { name: 'hazards.recall_busy_roads', value: r3(recallBusy), unit: 'ratio', better: 'higher', note },
    {
      name: 'hazards.false_at_junctions',
      value: sum((s) => s.falseAtJunctions),
      unit: 'hazards',
      better: 'lower',
      target: 0,
      note,
    },
    {
      name: 'hazards.detection_delay_min',
      value: mean(scores.flatMap((s) => s.detectionDelaysMin)),
      unit: 'min',
      better: 'lower',
      target: 0,
      note: `${note}; online first sighting minus when complete evidence first sufficed`,
    },
    {
      name: 'hazards.clearing_delay_min',
      value: mean(scores.flatMap((s) => s.clearingDelaysMin)),
      unit: 'min',
      better: 'lower',
      note: `${note}; clearedAt minus the incident's end, stalled cars and debris (potholes persist by design)`,
    },
  ];
}
