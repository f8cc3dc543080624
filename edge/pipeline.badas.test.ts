import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../lib/contract/events.ts';
import type { DriverWarning } from './badas/badasMonitor.ts';
import type { BadasScorer } from './badas/badasScorer.ts';
import type { FrameInput, FrameKinematics } from './badas/badasStage.ts';
import { BADAS_FEATURE_NAMES } from './badas/features.ts';
import { DEFAULT_TRAINING_COLLECTOR } from './badas/learning/trainingSampleCollector.ts';
import { readBadasModel } from './badas/modelFile.ts';
import { ManualClock } from './core/clock.ts';
import { EdgeError } from './core/errors.ts';
import { silentLogger } from './core/logger.ts';
import type { EdgePlatform } from './core/platform.ts';
import { createSeededRandom } from './core/random.ts';
import { MemoryStorage } from './core/storage.ts';
import { DEFAULT_EDGE_CONFIG, type DeclaredPlace, type EdgeConfig } from './edgeConfig.ts';
import { syntheticFrames } from './perception/testing/syntheticScene.ts';
import { EdgePipeline } from './pipeline.ts';
import { insideAnyZone } from './privacy/privacyZones.ts';
import type { LocatedEvent } from './privacy/redactor.ts';
import type { GpsFix, ImuSample } from './sensors/samples.ts';
import { syntheticDrive } from './testing/syntheticDrive.ts';

const MODEL = readBadasModel();

/**
 * A stand-in model whose score is the inverse-TTC feature: the test decides through the
 * kinematics when it alerts, so the plumbing is tested independently of the trained model's
 * exact scores (which its owner retrains).
 */
const INV_TTC_SCORER: BadasScorer = {
  modelVersion: 'stand-in-1',
  operatingPoint: { raiseAt: 0.5, raiseHoldS: 0.2, clearAt: 0.2, clearHoldS: 1 },
  score: (x) => Math.min(1, Math.max(0, x[BADAS_FEATURE_NAMES.indexOf('inv_ttc')]!)),
};
const START_MS = Date.UTC(2025, 2, 3, 8, 0, 0);
/** Seconds after the start at which the car reaches cruising speed (30 s parked + 10 s accelerating). */
const CRUISE_FROM_S = 40;

/** A 6-minute drive at 15 m/s, 1 Hz GPS with 3 m noise, 10 Hz IMU in a tilted mount. */
function drive(): { gps: GpsFix[]; imu: ImuSample[] } {
  const d = syntheticDrive({
    seed: 'badas-drive',
    startMs: START_MS,
    lat: 48.137,
    lng: 11.575,
    headingDeg: 30,
    gpsHz: 1,
    imuHz: 10,
    mount: { yawDeg: 20, pitchDeg: -10, rollDeg: 5 },
    gyro: false,
    gpsNoiseM: 3,
    imuNoiseMps2: 0.2,
    phases: [
      { kind: 'stop', durationS: 30 },
      { kind: 'speed', toMps: 15, accelMps2: 1.5 },
      { kind: 'cruise', durationS: 320 },
      { kind: 'speed', toMps: 0, accelMps2: 1.5 },
      { kind: 'stop', durationS: 60 },
    ],
  });
  return { gps: d.gps, imu: d.imu };
}

/**
 * 10 Hz lead kinematics (ego fields left to the pipeline): following at 20 m, and at each of
 * `closeCallsAtS` the lead brakes hard — closing speed to 8 m/s in 1 s, held 1 s (TTC falls to
 * ~1 s), then the ego's braking takes it back to 0 over 1.5 s at a 2 m gap, and the lead pulls away.
 */
function leadFrames(fromS: number, toS: number, closeCallsAtS: number[]): [number, FrameKinematics][] {
  const out: [number, FrameKinematics][] = [];
  let gap = 20;
  for (let t = fromS; t < toS; t += 0.1) {
    let closing = 0;
    for (const at of closeCallsAtS) {
      const r = t - at;
      if (r >= 0 && r < 1) closing = 8 * r;
      else if (r >= 1 && r < 2) closing = 8;
      else if (r >= 2 && r < 3.5) closing = 8 - (8 / 1.5) * (r - 2);
      else if (r >= 3.5 && r < 12.5) closing = -2;
    }
    gap -= closing / 10;
    out.push([START_MS + Math.round(t * 1000), { leadGapM: gap, leadClosingMps: closing }]);
  }
  return out;
}

interface Run {
  pipeline: EdgePipeline;
  events: TelemetryEvent[];
  detected: LocatedEvent[];
  warnings: DriverWarning[];
}

function run(
  frames: [number, FrameInput][],
  options: { config?: Partial<EdgeConfig>; homes?: DeclaredPlace[]; platform?: Partial<EdgePlatform> } = {},
): Run {
  const { gps, imu } = drive();
  const warnings: DriverWarning[] = [];
  const detected: LocatedEvent[] = [];
  const pipeline = new EdgePipeline(
    {
      clock: new ManualClock(),
      random: createSeededRandom('badas-pipeline'),
      storage: new MemoryStorage(),
      logger: silentLogger,
      badasModel: MODEL,
      onDriverWarning: (w) => warnings.push(w),
      ...options.platform,
    },
    {
      ...DEFAULT_EDGE_CONFIG,
      networkSharing: true,
      declaredPlaces: options.homes ?? [],
      queue: { maxBatches: 10_000, maxBytes: 100_000_000 },
      ...options.config,
    },
    { record: (e) => detected.push(e) },
  );
  const samples: { tMs: number; order: number; feed: () => void }[] = [
    ...gps.map((g) => ({ tMs: g.tMs, order: 0, feed: () => pipeline.pushGps(g) })),
    ...imu.map((s) => ({ tMs: s.tMs, order: 1, feed: () => pipeline.pushImu(s) })),
    ...frames.map(([tMs, f]) => ({ tMs, order: 2, feed: () => void pipeline.pushFrame(tMs, f) })),
  ].sort((a, b) => a.tMs - b.tMs || a.order - b.order);
  for (const s of samples) s.feed();
  pipeline.finish();
  const events = pipeline.queue
    .bodies()
    .flatMap((b) => (JSON.parse(b) as { events: TelemetryEvent[] }).events)
    .filter((e) => e.type !== 'trip');
  return { pipeline, events, detected, warnings };
}

const ofType = <T extends { type: string }>(xs: T[], type: string) => xs.filter((x) => x.type === type);

describe('EdgePipeline.pushFrame (BADAS on the camera)', () => {
  it('turns a lead braking hard into exactly one near_miss and one badas_alert in the uplink, redacted', () => {
    const at = CRUISE_FROM_S + 100;
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [at]), {
      platform: { badasScorer: INV_TTC_SCORER },
    });

    const nearMisses = ofType(r.events, 'near_miss');
    const alerts = ofType(r.events, 'badas_alert');
    expect(nearMisses).toHaveLength(1);
    expect(alerts).toHaveLength(1);
    const nm = nearMisses[0]!;
    const alert = alerts[0]!;
    if (nm.type !== 'near_miss' || alert.type !== 'badas_alert') throw new Error('unreachable');
    // The dip starts ~1.5 s into the braking; its TTC reached ~0.8 s.
    expect(Date.parse(nm.ts)).toBeGreaterThanOrEqual(START_MS + at * 1000);
    expect(Date.parse(nm.ts)).toBeLessThanOrEqual(START_MS + (at + 3) * 1000);
    expect(nm.ttcS).toBeLessThan(1.5);
    expect(nm.badasScore).toBeGreaterThanOrEqual(0.5);
    expect(nm.speedMps).toBeGreaterThan(13);
    expect(nm.speedMps).toBeLessThan(17);
    expect(alert.modelVersion).toBe('stand-in-1');
    // Redaction: times floored to the second, positions to 5 decimals.
    for (const e of [nm, alert]) {
      expect(Date.parse(e.ts) % 1000).toBe(0);
      expect(Math.round(e.lat * 1e5) / 1e5).toBe(e.lat);
      expect(Math.round(e.lng * 1e5) / 1e5).toBe(e.lng);
    }
    const exact = ofType(r.detected, 'near_miss')[0]!;
    expect(exact.tMs % 1000).not.toBe(0); // the device-local record keeps the exact time…
    expect(Date.parse(nm.ts)).toBe(Math.floor(exact.tMs / 1000) * 1000); // …the uplink only the second
    expect(r.pipeline.stats.frames).toBeGreaterThan(2900);
  });

  it('contributes labelled training samples only when the user opted in to fleet learning', () => {
    const at = CRUISE_FROM_S + 100;
    const frames = leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [at]);
    const learning = { contribute: true, collector: { ...DEFAULT_TRAINING_COLLECTOR, randomShare: 0.01 } };
    const off = run(frames, { platform: { badasScorer: INV_TTC_SCORER } });
    expect(ofType(off.events, 'training_sample')).toEqual([]);
    const on = run(frames, { platform: { badasScorer: INV_TTC_SCORER }, config: { learning } });
    const samples = ofType(on.events, 'training_sample');
    expect(samples.length).toBeGreaterThan(5);
    for (const e of samples) {
      if (e.type !== 'training_sample') throw new Error('unreachable');
      expect(e.features).toHaveLength(BADAS_FEATURE_NAMES.length);
      expect(Date.parse(e.ts) % 3_600_000).toBe(0); // the hour, no finer
      expect(e.modelVersion).toBe('stand-in-1');
    }
    // The windows before the close call are labelled positive, ordinary driving negative.
    const labels = new Set(samples.map((e) => (e.type === 'training_sample' ? e.label : -1)));
    expect(labels).toEqual(new Set([0, 1]));
    // The same detections as without learning: contributing changes nothing the camera reports.
    expect(ofType(on.events, 'near_miss')).toHaveLength(1);
    const noConsent = run(frames, {
      platform: { badasScorer: INV_TTC_SCORER },
      config: { learning, networkSharing: false },
    });
    expect(noConsent.events).toEqual([]);
  });

  it('runs the trained model from the platform bytes: one near_miss, alerts and warnings in step', () => {
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [CRUISE_FROM_S + 100]));
    const nearMisses = ofType(r.events, 'near_miss');
    expect(nearMisses).toHaveLength(1);
    const nm = nearMisses[0]!;
    if (nm.type !== 'near_miss') throw new Error('unreachable');
    // The model saw it coming (a lead braking hard at 20 m); how sure it was is the model's business.
    expect(nm.badasScore).toBeGreaterThan(0.3);
    const raised = r.warnings.filter((w) => w.active);
    expect(raised.length).toBeLessThanOrEqual(1);
    expect(ofType(r.events, 'badas_alert')).toHaveLength(raised.length);
  });

  it('warns the driver once per close call: raised once, cleared once', () => {
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [CRUISE_FROM_S + 100]), {
      platform: { badasScorer: INV_TTC_SCORER },
    });
    expect(r.warnings.map((w) => w.active)).toEqual([true, false]);
    const alert = ofType(r.detected, 'badas_alert')[0]!;
    expect(r.warnings[0]!.tMs).toBe(alert.tMs);
  });

  it('does not chatter: a score hovering around the threshold for 10 s warns once', () => {
    let call = 0;
    // 10 Hz frames; from frame 1000 on, 10 s of a score swinging 0.4..0.8 at 2 Hz around raiseAt 0.5.
    const hovering: BadasScorer = {
      ...INV_TTC_SCORER,
      score: () => {
        const i = call++;
        return i >= 1000 && i < 1100 ? 0.6 + 0.2 * Math.sin((2 * Math.PI * 2 * i) / 10 + 0.3) : 0.05;
      },
    };
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, []), {
      platform: { badasScorer: hovering },
    });
    expect(r.warnings.map((w) => w.active)).toEqual([true, false]);
    expect(ofType(r.events, 'badas_alert')).toHaveLength(1);
  });

  it('uploads no near miss inside a privacy zone, and keeps it in the device-local record', () => {
    const { gps } = drive();
    const inZoneS = CRUISE_FROM_S + 200;
    const fixThere = gps.find((g) => g.tMs >= START_MS + (inZoneS + 2) * 1000)!;
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [CRUISE_FROM_S + 100, inZoneS]), {
      homes: [{ lat: fixThere.lat, lng: fixThere.lng }],
      platform: { badasScorer: INV_TTC_SCORER },
    });
    expect(ofType(r.detected, 'near_miss')).toHaveLength(2);
    expect(ofType(r.events, 'near_miss')).toHaveLength(1);
    expect(ofType(r.detected, 'badas_alert')).toHaveLength(2);
    expect(ofType(r.events, 'badas_alert')).toHaveLength(1);
    const zones = r.pipeline.places.zones();
    expect(zones.length).toBeGreaterThan(0);
    for (const e of r.events) expect(insideAnyZone(zones, e.lat, e.lng)).toBe(false);
  });

  it('queues nothing without network consent, and still warns the driver', () => {
    const r = run(leadFrames(CRUISE_FROM_S, CRUISE_FROM_S + 300, [CRUISE_FROM_S + 100]), {
      config: { networkSharing: false },
      platform: { badasScorer: INV_TTC_SCORER },
    });
    expect(r.pipeline.queue.bodies()).toEqual([]);
    expect(ofType(r.detected, 'near_miss')).toHaveLength(1);
    expect(r.warnings.filter((w) => w.active)).toHaveLength(1);
  });

  it('scores image detections through perception (lead car braking towards the camera)', () => {
    const camera = DEFAULT_EDGE_CONFIG.badas.camera;
    const from = CRUISE_FROM_S + 60;
    // The camera-to-rear range: 22 m, then the lead brakes and the range shrinks to 4 m by 5 s.
    const scene = syntheticFrames({
      camera,
      vehicles: [
        {
          className: 'car',
          heightM: 1.5,
          widthM: 1.8,
          rangeAt: (t) => (t < 20 ? 22 : Math.max(4, 22 - 4 * (t - 20) ** 2)),
          lateralAt: () => 0.1,
        },
      ],
      fps: 10,
      durationS: 40,
      jitterShare: 0.01,
      missShare: 0,
      random: createSeededRandom('scene'),
    });
    const frames: [number, FrameInput][] = scene.map((f) => [
      START_MS + Math.round((from + f.tS) * 1000),
      f.detections,
    ]);
    const r = run(frames);
    expect(ofType(r.detected, 'near_miss')).toHaveLength(1);
    expect(ofType(r.events, 'near_miss')).toHaveLength(1);
  });

  it('refuses frames when the platform supplies no model', () => {
    const pipeline = new EdgePipeline(
      {
        clock: new ManualClock(),
        random: createSeededRandom('x'),
        storage: new MemoryStorage(),
        logger: silentLogger,
      },
      DEFAULT_EDGE_CONFIG,
    );
    expect(() => pipeline.pushFrame(1, { leadGapM: 10 })).toThrowError(EdgeError);
    try {
      pipeline.pushFrame(1, {});
    } catch (e) {
      expect((e as EdgeError).code).toBe('BAD_ARGUMENT');
    }
  });

  it('skips frames before any GPS speed is known instead of guessing one', () => {
    const r = run([[START_MS - 5000, { leadGapM: 5, leadClosingMps: 6 }]]);
    expect(r.pipeline.stats.framesSkipped).toBe(1);
    expect(r.detected.filter((e) => e.type === 'near_miss' || e.type === 'badas_alert')).toEqual([]);
  });
});
