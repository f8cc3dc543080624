import { describe, expect, it } from 'vitest';
import type { ArtefactManifest } from '../../lib/contract/artefact.ts';
import { cohortBucket, FINAL_STAGE, inCandidateCohort } from '../../lib/ota/cohort.ts';
import { chooseVersion } from '../../lib/ota/offer.ts';
import {
  type Actor,
  type ArtefactLine,
  applyPromote,
  applyPublish,
  applyRollback,
} from '../../lib/ota/registry.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { createSeededRandom } from '../core/random.ts';
import { MemoryStorage } from '../core/storage.ts';
import {
  ArtefactServer,
  artefactBytes,
  RELEASE_KEYS,
  recordingConsumer,
  signedArtefact,
} from './otaTestKit.ts';
import { DEFAULT_OTA_UPDATER, type OtaOutcome, OtaUpdater } from './updater.ts';

/**
 * The camera's anti-rollback against the cloud's real rollout decisions (lib/ota: registry state
 * machine, cohorts, `chooseVersion`): a cohort whose candidate is rolled back must get back to the
 * control version, the fix that follows must reach everyone, and nothing older may come back.
 */
const OPERATOR: Actor = { role: 'operator', id: 'op-1' };
const release = (version: string, salt: number) => signedArtefact(artefactBytes(1200, salt), { version });
const RELEASES = new Map(
  [release('1.0.0', 1), release('1.1.0', 2), release('1.2.0', 3), release('1.1.1', 4)].map((a) => [
    a.manifest.version,
    a,
  ]),
);
const LINE_ID = { kind: 'model' as const, name: 'badas-anticipation' };

/** A camera that polls the offer the cloud's `chooseVersion` makes for its device id. */
function camera(deviceId: string) {
  const server = new ArtefactServer();
  const updater = new OtaUpdater(
    {
      clock: new ManualClock(0),
      random: createSeededRandom(deviceId),
      storage: new MemoryStorage(),
      logger: silentLogger,
      transport: server.transport,
      fetchBytes: server.fetchBytes,
      releaseKeys: RELEASE_KEYS,
      consumers: { model: recordingConsumer() },
    },
    {
      ...DEFAULT_OTA_UPDATER,
      apiUrl: server.apiUrl,
      deviceToken: deviceId,
      cameraModel: 'cm-a',
      firmware: '2.0.0',
    },
  );
  updater.boot();
  return {
    updater,
    async poll(line: ArtefactLine): Promise<OtaOutcome> {
      const manifestOf = (v: string): ArtefactManifest | undefined => RELEASES.get(v)?.manifest;
      const choice = chooseVersion(line, deviceId, manifestOf, { cameraModel: 'cm-a', firmware: '2.0.0' });
      const a = choice && RELEASES.get(choice.version);
      if (a) server.publish(a);
      else delete server.offers.model;
      return updater.checkNow('model');
    },
    /** Polls an offer of `version` whatever the rollout says (a hostile or stale API). */
    offer(version: string): Promise<OtaOutcome> {
      server.publish(RELEASES.get(version)!);
      return updater.checkNow('model');
    },
  };
}

function deviceIn(cohort: boolean, line: ArtefactLine): string {
  for (let i = 0; ; i++) {
    const id = `dev-${i}`;
    if (inCandidateCohort(cohortBucket(id, line), 0) === cohort) return id;
  }
}

describe('camera anti-rollback against the staged rollout', () => {
  it('a rolled-back 1 % cohort returns to the control version, then takes the fix; nobody goes below it', async () => {
    let line = applyPublish(undefined, RELEASES.get('1.0.0')!.manifest, OPERATOR, 0);
    line = applyPromote(line, '1.0.0', OPERATOR, 1, FINAL_STAGE);
    line = applyPublish(line, RELEASES.get('1.1.0')!.manifest, OPERATOR, 2);
    line = applyPromote(line, '1.1.0', OPERATOR, 3, FINAL_STAGE);
    const inCohort = camera(deviceIn(true, { ...line, ...LINE_ID }));
    const control = camera(deviceIn(false, { ...line, ...LINE_ID }));
    expect(await inCohort.poll(line)).toMatchObject({ status: 'installed', version: '1.1.0' });
    expect(await control.poll(line)).toMatchObject({ status: 'installed', version: '1.1.0' });

    line = applyPublish(line, RELEASES.get('1.2.0')!.manifest, OPERATOR, 4);
    line = applyPromote(line, '1.2.0', OPERATOR, 5);
    expect(await inCohort.poll(line)).toMatchObject({ status: 'installed', version: '1.2.0' });
    expect(await control.poll(line)).toMatchObject({ status: 'current', version: '1.1.0' });

    line = applyRollback(line, '1.2.0', OPERATOR, 6, 'alert rate 3x control');
    expect(await inCohort.poll(line)).toMatchObject({
      status: 'installed',
      version: '1.1.0',
      replaced: '1.2.0',
    });

    line = applyPublish(line, RELEASES.get('1.1.1')!.manifest, OPERATOR, 7);
    line = applyPromote(line, '1.1.1', OPERATOR, 8, FINAL_STAGE);
    expect(await inCohort.poll(line)).toMatchObject({ status: 'installed', version: '1.1.1' });
    expect(await control.poll(line)).toMatchObject({ status: 'installed', version: '1.1.1' });

    // Whoever controls the offer can move a camera back to its last good version (1.1.0, kept in
    // the other slot) but never to anything it had already moved past.
    for (const cam of [inCohort, control]) {
      expect(await cam.offer('1.0.0')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
      expect(cam.updater.active('model')?.version).toBe('1.1.1');
    }
  });

  it('a cohort camera that missed the rollback takes the fix published below the withdrawn candidate', async () => {
    let line = applyPublish(undefined, RELEASES.get('1.1.0')!.manifest, OPERATOR, 0);
    line = applyPromote(line, '1.1.0', OPERATOR, 1, FINAL_STAGE);
    const cam = camera(deviceIn(true, { ...line, ...LINE_ID }));
    await cam.poll(line);
    line = applyPublish(line, RELEASES.get('1.2.0')!.manifest, OPERATOR, 2);
    line = applyPromote(line, '1.2.0', OPERATOR, 3);
    expect(await cam.poll(line)).toMatchObject({ status: 'installed', version: '1.2.0' });
    line = applyRollback(line, '1.2.0', OPERATOR, 4);
    line = applyPublish(line, RELEASES.get('1.1.1')!.manifest, OPERATOR, 5);
    line = applyPromote(line, '1.1.1', OPERATOR, 6, FINAL_STAGE);
    expect(await cam.poll(line)).toMatchObject({ status: 'installed', version: '1.1.1', replaced: '1.2.0' });
  });
});
