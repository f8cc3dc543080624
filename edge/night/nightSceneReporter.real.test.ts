import { describe, expect, it } from 'vitest';
import { haversineM } from '../../lib/geo/distance.ts';
import { GEOLIFE_DATASET, GEOLIFE_USERS, loadGeolifeUser } from '../../test/real/geolife.ts';
import { realDataMissing, realDataset } from '../../test/real/realDataRoot.ts';
import { createSeededRandom } from '../core/random.ts';
import { DEFAULT_NIGHT_SCENE, type NightSceneEvent, NightSceneReporter } from './nightSceneReporter.ts';
import { CIVIL_TWILIGHT_DEG, sunElevationDeg } from './solarPosition.ts';

const dir = realDataset(GEOLIFE_DATASET);

/**
 * Real multi-day GPS (GeoLife: Zheng et al., WWW 2009 / UbiComp 2008 / IEEE DEB 2010), mostly
 * Beijing, every season and hour. The traces have no images, so each fix carries one constant
 * frame of ISP statistics: what is under test is when and where the reporter speaks.
 */
describe.skipIf(!dir)(
  `NightSceneReporter on real GPS traces (${dir ? GEOLIFE_DATASET : realDataMissing(GEOLIFE_DATASET)})`,
  () => {
    it('reports only when the sun is below civil twilight where the car is, over months of real driving', () => {
      const events: NightSceneEvent[] = [];
      for (const user of GEOLIFE_USERS) {
        const g = loadGeolifeUser(dir as string, user);
        const r = new NightSceneReporter(
          { ...DEFAULT_NIGHT_SCENE, cameraModel: 'phone-50hz', firmware: '14.2.0' },
          createSeededRandom(user),
        );
        for (let i = 0; i < g.fixes.length; i++) {
          const f = g.fixes[i]!;
          const prev = g.fixes[i - 1];
          const sameTrace = prev !== undefined && g.trajIds[i] === g.trajIds[i - 1] && f.tMs > prev.tMs;
          // A gap between GeoLife trajectories is a stop: the trip ended.
          if (!sameTrace && i > 0) r.stopped();
          const speedMps = sameTrace
            ? haversineM(prev.lat, prev.lng, f.lat, f.lng) / ((f.tMs - prev.tMs) / 1000)
            : 0;
          r.pushFix({ tMs: f.tMs, lat: f.lat, lng: f.lng, speedMps });
          r.pushStats({ tMs: f.tMs, meanLuma: 50, noiseSigma: 5, exposureMs: 33, gain: 8 });
          events.push(...r.takeEvents());
        }
      }
      expect(events.length).toBeGreaterThan(50);
      for (const e of events) {
        // The event time is floored to the minute; the report was taken within that minute.
        const t = Date.parse(e.ts);
        expect(
          Math.max(sunElevationDeg(t, e.lat, e.lng), sunElevationDeg(t + 60_000, e.lat, e.lng)),
        ).toBeLessThan(CIVIL_TWILIGHT_DEG + 0.3);
      }
    });
  },
);
