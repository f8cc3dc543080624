import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roadPhotosDir, roadPhotosMissing } from '../../test/real/roadPhotos.ts';
import { createSeededRandom } from '../core/random.ts';
import { decodeImage } from './adapters/decodeImage.ts';
import { loadVendoredDetector } from './adapters/vendoredDetector.ts';
import type { CameraGeometry } from './cameraGeometry.ts';
import type { Detection } from './detection.ts';
import { LeadPerception, leadFrame, selectLead } from './leadPerception.ts';
import type { ObjectKinematics } from './objectKinematics.ts';
import type { PerceptionError } from './perceptionError.ts';
import { syntheticFrames } from './testing/syntheticScene.ts';

const CAMERA: CameraGeometry = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 90, setbackM: 2 };
const EGO = { speedMps: 20, accelMps2: -0.3 };

const obj = (over: Partial<ObjectKinematics>): ObjectKinematics => ({
  trackId: 1,
  className: 'car',
  bearingDeg: 0,
  rangeM: 20,
  lateralM: 0,
  inEgoCorridor: true,
  gapM: 18,
  coastS: 0,
  ...over,
});

describe('selectLead', () => {
  it('takes the nearest vehicle in the ego corridor, never one outside it or a person', () => {
    const lead = selectLead([
      obj({ trackId: 1, rangeM: 30 }),
      obj({ trackId: 2, rangeM: 10, inEgoCorridor: false }),
      obj({ trackId: 3, rangeM: 8, className: 'person' }),
      obj({ trackId: 4, rangeM: 25, className: 'truck' }),
    ]);
    expect(lead?.trackId).toBe(4);
  });

  it('is undefined with no vehicle in the corridor', () => {
    expect(selectLead([obj({ inEgoCorridor: false })])).toBeUndefined();
  });
});

describe('leadFrame', () => {
  it('carries the ego motion and the lead gap and closing speed', () => {
    expect(leadFrame(3.5, EGO, obj({ gapM: 12.5, closingMps: 2 }))).toEqual({
      tS: 3.5,
      egoSpeedMps: 20,
      egoAccelMps2: -0.3,
      leadGapM: 12.5,
      leadClosingMps: 2,
    });
  });

  it('leaves the lead fields out when there is no lead, and the closing speed until it is measurable', () => {
    expect(leadFrame(1, EGO, undefined)).toEqual({ tS: 1, egoSpeedMps: 20, egoAccelMps2: -0.3 });
    expect(Object.keys(leadFrame(1, EGO, obj({})))).toEqual([
      'tS',
      'egoSpeedMps',
      'egoAccelMps2',
      'leadGapM',
    ]);
  });
});

describe('LeadPerception', () => {
  it('follows a braking lead in the ego lane and ignores a car passing in the next lane', () => {
    // Lead at 30 m brakes from t = 1 s: closing speed rises 4 m/s² (ego holds 20 m/s).
    const leadRange = (t: number): number => (t < 1 ? 30 : 30 - 2 * (t - 1) ** 2);
    const frames = syntheticFrames({
      camera: CAMERA,
      vehicles: [
        { className: 'car', heightM: 1.5, widthM: 1.8, rangeAt: leadRange, lateralAt: () => -0.3 },
        { className: 'car', heightM: 1.5, widthM: 1.8, rangeAt: (t) => 12 - 3 * t, lateralAt: () => 3.7 },
      ],
      fps: 10,
      durationS: 3,
      jitterShare: 0.01,
      missShare: 0,
      random: createSeededRandom('braking-lead'),
    });
    const perception = new LeadPerception(CAMERA);
    const out = frames.map((f) => perception.step(f.tS, f.detections, EGO));
    const last = out.at(-1)!;
    expect(last.objects).toHaveLength(2);
    expect(last.lead?.lateralM).toBeCloseTo(-0.3, 0);
    // At 3 s: range 22 m, gap 20 m, closing 8 m/s (TTC 2.75 s).
    expect(last.frame.leadGapM!).toBeGreaterThan(18);
    expect(last.frame.leadGapM!).toBeLessThan(22);
    expect(last.frame.leadClosingMps!).toBeGreaterThan(6);
    expect(last.frame.leadClosingMps!).toBeLessThan(9.5);
    expect(last.lead!.ttcS!).toBeGreaterThan(2.2);
    expect(last.lead!.ttcS!).toBeLessThan(3.4);
    // Before the brake the lead holds its distance.
    expect(Math.abs(out[9]!.frame.leadClosingMps!)).toBeLessThan(1.5);
  });

  it('refuses a camera with an impossible field of view when set up', () => {
    expect(() => new LeadPerception({ ...CAMERA, hfovDeg: 200 })).toThrowError(
      expect.objectContaining({ code: 'BAD_CONFIG' }) as PerceptionError,
    );
  });

  it('reports no lead until a vehicle has been seen in three frames', () => {
    const perception = new LeadPerception(CAMERA);
    const ahead: Detection = { className: 'car', score: 0.9, box: { x: 600, y: 340, w: 96, h: 48 } };
    const leads = [0, 0.1, 0.2].map((t) => perception.step(t, [ahead], EGO).frame.leadGapM);
    expect(leads[0]).toBeUndefined();
    expect(leads[1]).toBeUndefined();
    expect(leads[2]).toBeCloseTo(18, 6); // 1.5 m × 640 px / 48 px − 2 m setback
  });
});

const dir = roadPhotosDir();

describe.skipIf(!dir)(`perception on real dash-cam photos (${dir ? 'present' : roadPhotosMissing()})`, () => {
  it('places the two cars of Udacity test1 and test6 one and two lanes to the right, out of the ego corridor', async () => {
    // Udacity's project camera: fx ≈ 1156 px on 1280 × 720 (its calibration exercise), i.e. a
    // 58° horizontal FOV; the camera sits behind the windscreen, ~2 m behind the front bumper.
    const camera: CameraGeometry = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 58, setbackM: 2 };
    const detector = await loadVendoredDetector();
    try {
      for (const file of ['udacity-vd-test1.jpg', 'udacity-vd-test6.jpg']) {
        const image = decodeImage(new Uint8Array(await readFile(join(dir!, file))));
        const detections = await detector.detect(image);
        // One photo shown three times: the tracker needs three hits to report a track.
        const perception = new LeadPerception(camera);
        let last = perception.step(0, detections, EGO);
        for (const t of [0.1, 0.2]) last = perception.step(t, detections, EGO);
        const cars = last.objects.filter((o) => o.className === 'car' && o.lateralM > 0);
        cars.sort((a, b) => a.lateralM - b.lateralM);
        expect(cars, file).toHaveLength(2);
        const [black, white] = cars as [ObjectKinematics, ObjectKinematics];
        // US lanes are 3.7 m: the black sedan one lane right, the white one two lanes right.
        expect(black.lateralM, file).toBeGreaterThan(2.5);
        expect(black.lateralM, file).toBeLessThan(6);
        expect(white.lateralM, file).toBeGreaterThan(6);
        expect(white.lateralM, file).toBeLessThan(10.5);
        for (const c of cars) {
          expect(c.inEgoCorridor, file).toBe(false);
          expect(c.rangeM, file).toBeGreaterThan(10);
          expect(c.rangeM, file).toBeLessThan(35);
        }
        expect(last.frame.leadGapM, file).toBeUndefined();
      }
    } finally {
      await detector.release();
    }
  });
});
