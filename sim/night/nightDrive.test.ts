import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { calibrateNight } from '../../lib/night/calibration.ts';
import { cellNightDays, classifyCells } from '../../lib/night/lightingClass.ts';
import { foldNightDay } from '../../lib/night/nightAggregate.ts';
import { nightObservationsOf } from '../../lib/night/nightObservations.ts';
import { createPrng } from '../../lib/sim/prng.ts';
import type { StreamRecord } from '../../lib/stream/streamRecord.ts';
import { DEFAULT_NIGHT_DRIVE, driveAtNight, loopRoute, nightCellOf } from './nightDrive.ts';
import { drawNightDevice, nightSensorModel } from './nightSensorModels.ts';

/** Four 12-cell loops (~1.5 km) across Pittsburgh, some in lit neighbourhoods, some dark. */
const LOOPS = [
  [40.4406, -79.9959],
  [40.4512, -79.9801],
  [40.4312, -79.9301],
  [40.4606, -79.9459],
].map(([lat, lng]) => loopRoute(latLngToCell(lat as number, lng as number, 10), 2));
/** 03:00 UTC = 22:00 in Pittsburgh in January. */
const NIGHT_MS = Date.UTC(2026, 0, 5, 3);

describe('simulated night drives through the camera’s NightSceneReporter', () => {
  it('calibrates the true sensor from 40 cameras whose frames went through the real reporter', () => {
    const model = nightSensorModel('mainstream-25hz');
    const prng = createPrng(31);
    const records: StreamRecord[] = [];
    for (let c = 0; c < 40; c++) {
      const device = drawNightDevice(model, prng.fork(`device-${c}`));
      for (let night = 0; night < 2; night++) {
        const drivePrng = prng.fork(`drive-${c}-${night}`);
        const events = driveAtNight(
          device,
          {
            ...DEFAULT_NIGHT_DRIVE,
            // Traffic: each drive its own pace, so reports fall all round the loop.
            speedMps: drivePrng.uniform(9, 15),
            route: LOOPS[c % LOOPS.length] as string[],
            startIndex: c * 7 + night * 3,
            startMs: NIGHT_MS + night * 86_400_000 + c * 60_000,
          },
          drivePrng,
        );
        if (events.length > 0)
          records.push({
            v: 1,
            pseudonym: `sim-drive-${c}-${night}`.padEnd(16, '0'),
            batchKey: `drive${c}n${night}x`,
            events,
          });
      }
    }
    const obs = records.flatMap(nightObservationsOf);
    // 30 minutes at one report per 10 minutes: two or three per drive.
    expect(obs.length).toBeGreaterThanOrEqual(40 * 2 * 2);
    expect(obs.length).toBeLessThanOrEqual(40 * 2 * 3);
    const classes = classifyCells(cellNightDays(obs));
    const known = [...classes].filter(([, k]) => k !== 'unknown');
    expect(new Set(known.map(([, k]) => k))).toEqual(new Set(['lit', 'dark']));
    for (const [cell, k] of known) expect(k).toBe(nightCellOf(cell, 1).lighting);
    const r = calibrateNight(foldNightDay(obs, (c) => classes.get(c) ?? 'unknown'));
    expect(r).toMatchObject({ kind: 'profile' });
    if (r.kind !== 'profile') return;
    // Looser than the report-level check: 200 reports, not thousands.
    expect(Math.abs(r.fit.blackLevelDn - model.blackLevelDn)).toBeLessThan(2);
    expect(Math.abs(r.fit.shotGain / model.shotGain - 1)).toBeLessThan(0.15);
    expect(Math.abs(r.fit.readNoiseDn / model.readNoiseDn - 1)).toBeLessThan(0.2);
  });
});
