import { describe, expect, it } from 'vitest';
import { encodeIspProfile, type IspProfile } from '../../lib/night/ispProfileFormat.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { createSeededRandom } from '../core/random.ts';
import { MemoryStorage } from '../core/storage.ts';
import { ispProfileFromArtefact, type NightIspProfile } from '../night/ispProfile.ts';
import type { ArtefactConsumer } from './artefactConsumer.ts';
import { ArtefactServer, RELEASE_KEYS, signedArtefact } from './otaTestKit.ts';
import { DEFAULT_OTA_UPDATER, OtaUpdater } from './updater.ts';

const CAMERA = { cameraModel: 'budget-10hz', firmware: '2.1.0' };

const profile = (targetLuma: number): IspProfile => ({
  schema: 1,
  cameraModel: CAMERA.cameraModel,
  firmware: CAMERA.firmware,
  blackLevelOffset: 16,
  targetLuma,
  minExposureMs: 0.1,
  maxExposureMs: 33,
  minGain: 1,
  maxGain: 12,
  noise: { readSigma: 2, shotGain: 0.05 },
  denoise: [
    { gain: 1, strength: 0.1 },
    { gain: 8, strength: 0.6 },
  ],
});

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('an ISP profile over the air into the night-vision consumer', () => {
  function camera(storage: MemoryStorage, server: ArtefactServer) {
    let isp: NightIspProfile | undefined;
    // The generic interface, plugged into the night engineer's decoder as a camera host would.
    const consumer: ArtefactConsumer = {
      onArtefact(kind, bytes, manifest) {
        isp = ispProfileFromArtefact(kind, bytes, manifest, CAMERA.cameraModel, CAMERA.firmware);
      },
    };
    const updater = new OtaUpdater(
      {
        clock: new ManualClock(0),
        random: createSeededRandom('isp'),
        storage,
        logger: silentLogger,
        transport: server.transport,
        fetchBytes: server.fetchBytes,
        releaseKeys: RELEASE_KEYS,
        consumers: { isp_profile: consumer },
      },
      { ...DEFAULT_OTA_UPDATER, ...CAMERA, apiUrl: server.apiUrl, deviceToken: 't' },
    );
    return { updater, isp: () => isp };
  }

  it('applies a signed profile, keeps it over a reboot, and refuses a signed profile the ISP cannot use', async () => {
    const storage = new MemoryStorage();
    const server = new ArtefactServer();
    const good = signedArtefact(encodeIspProfile(profile(96)), {
      kind: 'isp_profile',
      version: '1.0.0',
      cameraModels: [CAMERA.cameraModel],
    });
    server.publish(good);
    const cam = camera(storage, server);
    cam.updater.boot();
    expect(await cam.updater.checkNow('isp_profile')).toMatchObject({
      status: 'installed',
      version: '1.0.0',
    });
    expect(cam.isp()?.profile.targetLuma).toBe(96);

    // Signed by the release key, but targetLuma is out of range: verified bytes, unusable profile.
    const broken = signedArtefact(ascii(JSON.stringify({ ...profile(96), targetLuma: 300 })), {
      kind: 'isp_profile',
      version: '1.1.0',
      cameraModels: [CAMERA.cameraModel],
    });
    server.publish(broken);
    expect(await cam.updater.checkNow('isp_profile')).toMatchObject({
      status: 'refused',
      code: 'CONSUMER_REFUSED',
    });
    expect(cam.isp()?.profile.targetLuma).toBe(96);

    const rebooted = camera(storage, server);
    expect(rebooted.updater.boot()).toEqual([{ kind: 'isp_profile', version: '1.0.0', fellBack: false }]);
    expect(rebooted.isp()?.exposureFor(1)).toBeGreaterThan(0);
  });
});
