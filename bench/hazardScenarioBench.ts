import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { gridDisk, latLngToCell } from 'h3-js';
import { loadRoadGraph } from '../bin/commands/simulate.ts';
import type { Transport } from '../edge/core/transport.ts';
import type { LocatedEvent } from '../edge/privacy/redactor.ts';
import type { TelemetryEvent } from '../lib/contract/events.ts';
import { telemetryEnvelopeSchema } from '../lib/contract/telemetry.ts';
import { haversineM, headingDiffDeg } from '../lib/geo/distance.ts';
import { PATH_CELL_RESOLUTION } from '../lib/geo/pathCellResolution.ts';
import { baselineRate } from '../lib/hazards/baseline.ts';
import { rollupBaselines } from '../lib/hazards/baselineRollup.ts';
import { BucketIndex } from '../lib/hazards/bucketIndex.ts';
import { aggregateExposure, aggregateSignals } from '../lib/hazards/bucketing.ts';
import { detectHazards } from '../lib/hazards/detector.ts';
import { effectiveClearedAtMs, type HazardRecord } from '../lib/hazards/hazardRecord.ts';
import { parseSector, sectorHeading } from '../lib/hazards/headingSector.ts';
import { partitionRecords } from '../lib/ingest/partitionRecords.ts';
import { validateBatch } from '../lib/ingest/validateBatch.ts';
import { pseudonymOf, utcDay } from '../lib/privacy/pseudonym.ts';
import { applyRecords } from '../lib/stream/applyRecords.ts';
import type { StreamRecord } from '../lib/stream/streamRecord.ts';
import { isoOf } from '../lib/time/isoTime.ts';
import { startLocalStack } from '../local/localStack.ts';
import { type CameraBrakeTruth, type CameraHitTruth, createCameraFleet } from '../sim/cameraFleet.ts';
import type { Incident } from '../sim/world/incidents.ts';
import { defaultScenario } from '../sim/world/scenario.ts';
import type { BenchResult } from './types.ts';

/** A hazard matches an incident within this distance (a res-10 cell and its ring span ~200 m). */
const MATCH_RADIUS_M = 200;
/** … and within this heading difference (the detector's own sector group spans ±67.5°). */
const MATCH_HEADING_DEG = 70;

/** What happened on the cameras, before the cloud: per-stage evidence and device-level detection. */
export interface StageScore {
  /** Scored incidents with enough device detections (≥ MIN_STAGE_CAMERAS distinct cameras) near them. */
  detectedOnDevice: number;
  /** … and with that many cameras' events accepted by ingest (after redaction, consent, batching, uplink). */
  uploaded: number;
  truthBrakes: number;
  brakesDetected: number;
  /** IMU/GPS hard brakes with no real hard brake of that camera within 4 s. */
  falseBrakes: number;
  drivenKm: number;
  potholeHits: number;
  potholeHitsDetected: number;
  /** Events the cameras detected, and how many of them reached the cloud. */
  deviceEvents: number;
  uploadedEvents: number;
}

export interface ScenarioScore {
  stage: StageScore;
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

/** The statistical rule needs at least three distinct cameras; a stage "has" an incident at that count. */
const MIN_STAGE_CAMERAS = 3;

/** Whether an event (device or cloud) is evidence of an incident: a brake or a pothole jolt near it, in its direction, while it was active. */
function evidenceOf(
  e: { type: string; lat: number; lng: number; tMs: number; headingDeg?: number; kind?: string },
  i: Incident,
): boolean {
  if (e.type !== 'hard_brake' && !(e.type === 'road_anomaly' && e.kind === 'pothole')) return false;
  if (e.tMs < i.startMs || e.tMs > i.endMs) return false;
  if (haversineM(e.lat, e.lng, i.lat, i.lng) > MATCH_RADIUS_M) return false;
  return e.headingDeg === undefined || headingDiffDeg(e.headingDeg, i.headingDeg) <= MATCH_HEADING_DEG;
}

function matches(h: HazardRecord, i: Incident): boolean {
  if (haversineM(h.lat, h.lng, i.lat, i.lng) > MATCH_RADIUS_M) return false;
  const heading = sectorHeading(h.sector);
  if (heading !== undefined && headingDiffDeg(heading, i.headingDeg) > MATCH_HEADING_DEG) return false;
  return h.firstSeenMs >= i.startMs - 60_000 && h.firstSeenMs <= i.endMs + 20 * 60_000;
}

/**
 * Runs one simulated scenario in simulated time: every car carries a camera running the real
 * `edge/` pipeline on synthesised sensors, and each camera's uplink sends its durable queue to an
 * in-process endpoint that applies ingest's own validation, pseudonymisation and partitioning
 * (no HTTP), then the real aggregator on the emulators. Hazards are scored against the injected
 * incidents, so precision and recall include the cameras' misses and false alarms.
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
  const device: { camera: number; e: LocatedEvent }[] = [];
  const fleet = createCameraFleet(graph, scenario, {
    recordTruth: true,
    onDetection: (camera, e) => device.push({ camera, e }),
  });
  let simNow = startMs;
  const stack = await startLocalStack({ clock: () => simNow });
  const allRecords: StreamRecord[] = [];
  const uploaded: { camera: number; e: TelemetryEvent }[] = [];
  const dayKey = 'bench-day-key';
  let records: StreamRecord[] = [];
  const endpoint =
    (camera: number): Transport =>
    async (req) => {
      const body = typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body);
      const env = telemetryEnvelopeSchema.safeParse(JSON.parse(body));
      if (!env.success) return { status: 400, headers: {}, body: '{}' };
      const { valid } = validateBatch(env.data.events, simNow);
      for (const e of valid) uploaded.push({ camera, e });
      if (valid.length > 0) {
        const pseudonym = pseudonymOf(`bench-camera-${camera}`, utcDay(simNow), dayKey, stack.deps.hmac);
        for (const p of partitionRecords(valid, pseudonym, env.data.batchId.slice(0, 36)))
          records.push(p.record);
      }
      return { status: 202, headers: {}, body: '{}' };
    };
  fleet.cameras.forEach((c, i) => {
    c.connect({ apiUrl: 'http://bench.invalid', deviceToken: `bench-${i}`, transport: endpoint(i) });
  });
  try {
    let finished = false;
    for (let t = startMs + 30_000; t <= endMs + 30 * 60_000; t += 30_000) {
      simNow = t;
      if (t <= endMs) fleet.advanceTo(t);
      else if (!finished) {
        fleet.finish();
        finished = true;
      }
      for (const c of fleet.cameras) while (c.queueDepth > 0 && (await c.uplink?.pump()) === 'sent');
      const batch = records;
      records = [];
      allRecords.push(...batch);
      if (batch.length > 0) await applyRecords(stack.deps, batch, t);
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
    if (process.env.DASHNET_BENCH_DEBUG) {
      for (const i of fleet.incidents()) {
        const ring = new Set(gridDisk(latLngToCell(i.lat, i.lng, PATH_CELL_RESOLUTION), 1));
        const passers = new Set<number>();
        const braked = new Set<number>();
        for (const u of uploaded) {
          const tMs = Date.parse(u.e.ts);
          if (u.e.type === 'trip') {
            for (const p of u.e.path) {
              const pMs = Date.parse(p.ts);
              if (ring.has(p.cell) && pMs >= i.startMs && pMs <= i.endMs) passers.add(u.camera);
            }
          } else if (
            evidenceOf({ ...u.e, tMs, ...(u.e.heading !== undefined ? { headingDeg: u.e.heading } : {}) }, i)
          )
            braked.add(u.camera);
        }
        console.error('incident', i.kind, i.road, isoOf(i.startMs).slice(11, 16), {
          onDevice: new Set(device.filter((d) => evidenceOf({ ...d.e }, i)).map((d) => d.camera)).size,
          uploaded: braked.size,
          passers: passers.size,
          raised: hazards.some((h) => matches(h, i)),
        });
      }
      const truth = fleet.brakes();
      for (const h of hazards) {
        if (fleet.incidents().some((i) => matches(h, i))) continue;
        const near = device.filter(
          (d) =>
            haversineM(d.e.lat, d.e.lng, h.lat, h.lng) < MATCH_RADIUS_M &&
            Math.abs(d.e.tMs - h.firstSeenMs) < 20 * 60_000,
        );
        const real = near.filter((d) =>
          truth.some((b) => b.camera === d.camera && Math.abs(b.tMs - d.e.tMs) < 4000),
        );
        console.error('false hazard evidence', {
          at: [h.lat, h.lng],
          deviceEvents: near.map((d) => `${d.e.type}/${'source' in d.e ? d.e.source : ''}`).join(','),
          realBrakes: real.length,
          truthBrakesNear: truth.filter((b) => haversineM(b.lat, b.lng, h.lat, h.lng) < MATCH_RADIUS_M)
            .length,
        });
      }
    }
    const scoredBeforeMs = endMs - 10 * 60_000;
    const scored = fleet.incidents().filter((i) => i.startMs < scoredBeforeMs);
    const stage = stageScore(scored, device, uploaded, fleet.brakes(), fleet.hits(), fleet.stats().drivenKm);
    return {
      stage,
      ...score(
        fleet.incidents(),
        scoredBeforeMs,
        hazards,
        scenario.busyJunctions,
        allRecords,
        stack.deps.detector,
      ),
    };
  } finally {
    await stack.stop();
  }
}

/** Per-stage evidence of the scored incidents, and how well the cameras detected what really happened. */
function stageScore(
  incidents: readonly Incident[],
  device: readonly { camera: number; e: LocatedEvent }[],
  uploaded: readonly { camera: number; e: TelemetryEvent }[],
  brakes: readonly CameraBrakeTruth[],
  hits: readonly CameraHitTruth[],
  drivenKm: number,
): StageScore {
  const camerasWith = (evidence: { camera: number; ev: Parameters<typeof evidenceOf>[0] }[], i: Incident) =>
    new Set(evidence.filter((x) => evidenceOf(x.ev, i)).map((x) => x.camera)).size;
  const onDevice = device.map((d) => ({
    camera: d.camera,
    ev: {
      type: d.e.type,
      lat: d.e.lat,
      lng: d.e.lng,
      tMs: d.e.tMs,
      headingDeg: d.e.headingDeg,
      ...('kind' in d.e ? { kind: String(d.e.kind) } : {}),
    },
  }));
  const inCloud = uploaded.map((u) => ({
    camera: u.camera,
    ev: {
      type: u.e.type,
      lat: u.e.lat,
      lng: u.e.lng,
      tMs: Date.parse(u.e.ts),
      ...(u.e.heading !== undefined ? { headingDeg: u.e.heading } : {}),
      ...('kind' in u.e ? { kind: String(u.e.kind) } : {}),
    },
  }));
  const near = (camera: number, tMs: number, type: string, withinMs: number, kind?: string) =>
    device.some(
      (d) =>
        d.camera === camera &&
        d.e.type === type &&
        Math.abs(d.e.tMs - tMs) <= withinMs &&
        (kind === undefined || ('kind' in d.e && d.e.kind === kind)),
    );
  const deviceBrakes = device.filter((d) => d.e.type === 'hard_brake');
  const potholeHits = hits.filter((h) => h.kind === 'pothole');
  return {
    detectedOnDevice: incidents.filter((i) => camerasWith(onDevice, i) >= MIN_STAGE_CAMERAS).length,
    uploaded: incidents.filter((i) => camerasWith(inCloud, i) >= MIN_STAGE_CAMERAS).length,
    truthBrakes: brakes.length,
    brakesDetected: brakes.filter((b) => near(b.camera, b.tMs, 'hard_brake', 4000)).length,
    falseBrakes: deviceBrakes.filter(
      (d) => !brakes.some((b) => b.camera === d.camera && Math.abs(b.tMs - d.e.tMs) <= 4000),
    ).length,
    drivenKm,
    potholeHits: potholeHits.length,
    potholeHitsDetected: potholeHits.filter((h) => near(h.camera, h.tMs, 'road_anomaly', 3000, 'pothole'))
      .length,
    deviceEvents: device.length,
    // Detections only: trip segments and night-scene reports are not detections.
    uploadedEvents: uploaded.filter((u) => u.e.type !== 'trip' && u.e.type !== 'night_scene').length,
  };
}

function score(
  allIncidents: readonly Incident[],
  scoredBeforeMs: number,
  hazards: HazardRecord[],
  junctions: readonly { lat: number; lng: number }[],
  records: StreamRecord[],
  detector: Parameters<typeof detectHazards>[0]['config'],
): Omit<ScenarioScore, 'stage'> {
  // Recall is scored on incidents that started early enough to be seen; any incident makes a hazard true.
  const incidents = allIncidents.filter((i) => i.startMs < scoredBeforeMs);
  const s: Omit<ScenarioScore, 'stage'> = {
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
          first: isoOf(h.firstSeenMs),
          atJunction,
          nearestM: Math.round(nearest?.d ?? -1),
          nearestHeading: nearest?.i.headingDeg,
          nearestWindow: nearest ? [isoOf(nearest.i.startMs), isoOf(nearest.i.endMs)] : null,
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
  const note = `${seeds.length} simulated scenarios (seeds ${seeds.join(',')}), 100 cameras × 90 min of Pittsburgh, statistical rule, every event detected by the cameras' edge pipeline on synthesised sensors`;
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
      name: 'hazards.stage.detected_on_device',
      value: r3(
        sum((s) => s.stage.detectedOnDevice) /
          Math.max(
            1,
            sum((s) => s.incidents),
          ),
      ),
      unit: 'ratio',
      better: 'higher',
      note: `${note}; share of incidents with hard brakes (or pothole jolts) detected on ≥ ${MIN_STAGE_CAMERAS} distinct cameras near them, before redaction`,
    },
    {
      name: 'hazards.stage.uploaded',
      value: r3(
        sum((s) => s.stage.uploaded) /
          Math.max(
            1,
            sum((s) => s.incidents),
          ),
      ),
      unit: 'ratio',
      better: 'higher',
      note: `${note}; … with those events from ≥ ${MIN_STAGE_CAMERAS} cameras accepted by ingest (after redaction, consent, batching, queue, uplink)`,
    },
    {
      name: 'hazards.stage.raised',
      value: r3(recall),
      unit: 'ratio',
      better: 'higher',
      target: 0.95,
      note: `${note}; … and a hazard raised in the cloud (= recall)`,
    },
    {
      name: 'hazards.device.brake_recall',
      value: r3(
        sum((s) => s.stage.brakesDetected) /
          Math.max(
            1,
            sum((s) => s.stage.truthBrakes),
          ),
      ),
      unit: 'ratio',
      better: 'higher',
      note: `${note}; real hard brakes (${sum((s) => s.stage.truthBrakes)}) a camera detected within 4 s`,
    },
    {
      name: 'hazards.device.false_brakes_per_100km',
      value: r3(
        (100 * sum((s) => s.stage.falseBrakes)) /
          Math.max(
            1,
            sum((s) => s.stage.drivenKm),
          ),
      ),
      unit: 'per 100 km',
      better: 'lower',
      note: `${note}; hard brakes a camera reported with no real one within 4 s (${Math.round(sum((s) => s.stage.drivenKm))} km driven)`,
    },
    {
      name: 'hazards.device.pothole_hit_recall',
      value: r3(
        sum((s) => s.stage.potholeHitsDetected) /
          Math.max(
            1,
            sum((s) => s.stage.potholeHits),
          ),
      ),
      unit: 'ratio',
      better: 'higher',
      note: `${note}; wheels through an incident's pothole (${sum((s) => s.stage.potholeHits)}) that the camera reported as a pothole within 3 s`,
    },
    {
      name: 'hazards.device.upload_share',
      value: r3(
        sum((s) => s.stage.uploadedEvents) /
          Math.max(
            1,
            sum((s) => s.stage.deviceEvents),
          ),
      ),
      unit: 'ratio',
      better: 'higher',
      note: `${note}; detected events that ingest accepted (the rest: privacy zones, trip trims, no fix nearby)`,
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
