import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../lib/contract/events.ts';
import { ManualClock } from './core/clock.ts';
import { silentLogger } from './core/logger.ts';
import { createSeededRandom } from './core/random.ts';
import { MemoryStorage } from './core/storage.ts';
import { DEFAULT_EDGE_CONFIG } from './edgeConfig.ts';
import { EdgePipeline } from './pipeline.ts';
import { syntheticDrive } from './testing/syntheticDrive.ts';

/** A 12-minute drive through Munich, its GPS and 5 fps ISP statistics, starting at `startMs`. */
function nightDrive(startMs: number, sharing: boolean): TelemetryEvent[] {
  const d = syntheticDrive({
    seed: 'night-drive',
    startMs,
    lat: 48.137,
    lng: 11.575,
    headingDeg: 30,
    gpsHz: 1,
    imuHz: 10,
    mount: { yawDeg: 0, pitchDeg: 0, rollDeg: 0 },
    gyro: false,
    gpsNoiseM: 3,
    imuNoiseMps2: 0.1,
    phases: [
      { kind: 'stop', durationS: 30 },
      { kind: 'speed', toMps: 14, accelMps2: 1.5 },
      { kind: 'cruise', durationS: 700 },
    ],
  });
  const pipeline = new EdgePipeline(
    {
      clock: new ManualClock(startMs),
      random: createSeededRandom('night'),
      storage: new MemoryStorage(),
      logger: silentLogger,
    },
    { ...DEFAULT_EDGE_CONFIG, networkSharing: sharing, camera: { model: 'cam-a', firmware: '2.1.0' } },
  );
  const endMs = d.gps[d.gps.length - 1]!.tMs;
  let g = 0;
  for (let t = startMs; t <= endMs; t += 200) {
    while (g < d.gps.length && d.gps[g]!.tMs <= t) pipeline.pushGps(d.gps[g++]!);
    pipeline.pushSceneStats({ tMs: t, meanLuma: 22 + (t % 7), noiseSigma: 3.1, exposureMs: 33, gain: 8 });
  }
  pipeline.finish();
  return pipeline.queue.bodies().flatMap((b) => (JSON.parse(b) as { events: TelemetryEvent[] }).events);
}

describe('EdgePipeline night reports', () => {
  // 23:00 in Munich in December: the sun is far below the horizon. 11:00: far above.
  const night = Date.UTC(2026, 11, 1, 22, 0, 0);
  const day = Date.UTC(2026, 11, 1, 10, 0, 0);

  it('sends night_scene reports, naming the camera, when the sun is down at the place', () => {
    const reports = nightDrive(night, true).filter((e) => e.type === 'night_scene');
    expect(reports.length).toBeGreaterThan(0);
    for (const r of reports) {
      expect(r).toMatchObject({ cameraModel: 'cam-a', firmware: '2.1.0', exposureMs: 33, gain: 8 });
      expect(r.meanLuma).toBeGreaterThanOrEqual(22);
    }
  });

  it('sends none by day, and none without network consent', () => {
    expect(nightDrive(day, true).filter((e) => e.type === 'night_scene')).toEqual([]);
    expect(nightDrive(night, false)).toEqual([]);
  });
});
