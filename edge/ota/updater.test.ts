import { describe, expect, it } from 'vitest';
import type { ArtefactKind } from '../../lib/contract/artefact.ts';
import { telemetryEnvelopeSchema } from '../../lib/contract/telemetry.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { createSeededRandom } from '../core/random.ts';
import { type KeyValueStorage, MemoryStorage } from '../core/storage.ts';
import type { ArtefactConsumer } from './artefactConsumer.ts';
import {
  ArtefactServer,
  ATTACKER_SEED,
  activeSlotIn,
  artefactBytes,
  PowerCutStorage,
  RELEASE_KEYS,
  recordingConsumer,
  type SignedArtefact,
  signedArtefact,
} from './otaTestKit.ts';
import { DEFAULT_OTA_UPDATER, type OtaOutcome, OtaUpdater, type OtaUpdaterConfig } from './updater.ts';

const HOUR_MS = 3_600_000;
const T0_MS = Date.UTC(2026, 11, 1);

interface Rig {
  server: ArtefactServer;
  storage: MemoryStorage;
  clock: ManualClock;
  consumer: ReturnType<typeof recordingConsumer>;
  updater: OtaUpdater;
  /** A fresh updater on the same flash, as after a reboot. */
  reboot(): OtaUpdater;
}

function rig(
  o: {
    config?: Partial<OtaUpdaterConfig>;
    consumer?: ReturnType<typeof recordingConsumer>;
    kind?: ArtefactKind;
  } = {},
): Rig {
  const server = new ArtefactServer();
  const storage = new MemoryStorage();
  const clock = new ManualClock(T0_MS);
  const consumer = o.consumer ?? recordingConsumer();
  const make = () =>
    new OtaUpdater(
      {
        clock,
        random: createSeededRandom('ota-test'),
        storage,
        logger: silentLogger,
        transport: server.transport,
        fetchBytes: server.fetchBytes,
        releaseKeys: RELEASE_KEYS,
        consumers: { [o.kind ?? 'model']: consumer } as Partial<Record<ArtefactKind, ArtefactConsumer>>,
      },
      {
        ...DEFAULT_OTA_UPDATER,
        apiUrl: server.apiUrl,
        deviceToken: 'device-secret',
        cameraModel: 'cm-a',
        firmware: '2.0.0',
        ...o.config,
      },
    );
  const updater = make();
  updater.boot();
  return { server, storage, clock, consumer, updater, reboot: make };
}

/** Installs `a` through the updater (publish, poll now) and checks it worked. */
async function installed(r: Rig, a: SignedArtefact): Promise<void> {
  r.server.publish(a);
  const out = await r.updater.checkNow(a.manifest.kind);
  expect(out).toMatchObject({ status: 'installed', version: a.manifest.version });
}

const v1 = signedArtefact(artefactBytes(2679, 1), { version: '1.1.0' });
const v2 = signedArtefact(artefactBytes(2700, 2), { version: '1.2.0' });

describe('OtaUpdater', () => {
  it('installs a signed artefact and hands the consumer exactly its bytes', async () => {
    const r = rig();
    r.server.publish(v1);
    const out = await r.updater.checkNow('model');
    expect(out).toEqual({ kind: 'model', status: 'installed', version: '1.1.0' });
    expect(r.consumer.adopted.map((x) => x.bytes)).toEqual([v1.bytes]);
    expect(r.updater.active('model')?.version).toBe('1.1.0');
  });

  it('re-verifies and re-adopts the installed artefact after a reboot', async () => {
    const r = rig();
    await installed(r, v1);
    const consumer = recordingConsumer();
    const again = new OtaUpdater(
      {
        clock: r.clock,
        random: createSeededRandom('x'),
        storage: r.storage,
        logger: silentLogger,
        transport: r.server.transport,
        fetchBytes: r.server.fetchBytes,
        releaseKeys: RELEASE_KEYS,
        consumers: { model: consumer },
      },
      {
        ...DEFAULT_OTA_UPDATER,
        apiUrl: r.server.apiUrl,
        deviceToken: 't',
        cameraModel: 'cm-a',
        firmware: '2.0.0',
      },
    );
    expect(again.boot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: false }]);
    expect(consumer.adopted.map((x) => x.bytes)).toEqual([v1.bytes]);
  });

  it('reports what it runs in the shape of the telemetry envelope', async () => {
    const r = rig();
    expect(r.updater.running()).toEqual([]);
    await installed(r, v1);
    const running = r.updater.running();
    expect(running).toEqual([{ kind: 'model', name: 'badas-anticipation', version: '1.1.0' }]);
    const envelope = {
      schema: 1,
      batchId: '6f1c1a4e-5b1e-4c1a-9a53-3c1f0e2b7d10',
      sentAt: '2026-12-01T00:00:00Z',
      events: [],
    };
    expect(telemetryEnvelopeSchema.safeParse({ ...envelope, artefacts: running }).success).toBe(true);
  });

  it('does not download the version it already runs', async () => {
    const r = rig();
    await installed(r, v1);
    expect(await r.updater.checkNow('model')).toEqual({ kind: 'model', status: 'current', version: '1.1.0' });
    expect(r.server.downloads).toHaveLength(1);
  });

  it('answers none on 204 and asks the config channel with kind, camera model and firmware', async () => {
    const r = rig({ kind: 'isp_profile' });
    expect(await r.updater.checkNow('isp_profile')).toEqual({ kind: 'isp_profile', status: 'none' });
    expect(r.server.offerRequests[0]?.url).toBe(
      `${r.server.apiUrl}/v1/config/current?kind=isp_profile&cameraModel=cm-a&firmware=2.0.0`,
    );
    expect(r.server.offerRequests[0]?.headers.authorization).toBe('Bearer device-secret');
  });

  describe('tampered and broken artefacts never reach the consumer', () => {
    async function refusedWith(
      publish: (server: ArtefactServer) => void,
      expected: Partial<OtaOutcome>,
      downloads: number,
    ): Promise<Rig> {
      const r = rig();
      await installed(r, v1);
      publish(r.server);
      expect(await r.updater.checkNow('model')).toMatchObject(expected);
      expect(r.server.downloads).toHaveLength(1 + downloads);
      expect(r.consumer.adopted).toHaveLength(1);
      expect(r.updater.active('model')?.version).toBe('1.1.0');
      expect(r.reboot().boot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: false }]);
      return r;
    }

    it('refuses bytes with one flipped bit (SHA-256)', async () => {
      const served = v2.bytes.slice();
      served[1000] = served[1000]! ^ 0x10;
      await refusedWith((s) => s.publish(v2, { served }), { status: 'failed', code: 'BAD_BYTES' }, 1);
    });

    it('refuses a truncated download, then installs when the whole file comes', async () => {
      const r = await refusedWith(
        (s) => s.publish(v2, { served: v2.bytes.slice(0, 2000) }),
        { status: 'failed', code: 'BAD_BYTES' },
        1,
      );
      r.server.publish(v2);
      r.clock.set(r.updater.nextPollAtMs('model')!);
      expect(await r.updater.tick()).toMatchObject([
        { status: 'installed', version: '1.2.0', replaced: '1.1.0' },
      ]);
    });

    it('refuses a download longer than the signed size', async () => {
      const served = new Uint8Array([...v2.bytes, 0]);
      await refusedWith((s) => s.publish(v2, { served }), { status: 'failed', code: 'BAD_BYTES' }, 1);
    });

    it('refuses an offer whose envelope disagrees with its signed manifest, without downloading', async () => {
      await refusedWith(
        (s) => s.publish(v2, { offer: { ...v2.offer(), size: 99 } }),
        { status: 'refused', code: 'BAD_OFFER' },
        0,
      );
    });

    it('refuses an edited manifest (compatibility widened after signing), without downloading', async () => {
      const narrow = signedArtefact(v2.bytes, { version: '1.2.0', cameraModels: ['cm-z'] });
      const widened = {
        ...narrow.offer(),
        manifest: { ...narrow.manifest, compatibility: { cameraModels: ['*'] } },
      };
      await refusedWith(
        (s) => s.publish(narrow, { offer: widened }),
        { status: 'refused', code: 'UNTRUSTED' },
        0,
      );
    });

    it('refuses an artefact signed by a key the camera does not pin', async () => {
      const forged = signedArtefact(v2.bytes, { version: '1.2.0', seed: ATTACKER_SEED });
      await refusedWith((s) => s.publish(forged), { status: 'refused', code: 'UNTRUSTED' }, 0);
    });

    it('refuses a manifest relabelled with the release key id but signed by another key', async () => {
      const forged = signedArtefact(v2.bytes, { version: '1.2.0', seed: ATTACKER_SEED });
      const relabelled = { ...forged.offer(), manifest: { ...forged.manifest, keyId: v1.manifest.keyId } };
      await refusedWith(
        (s) => s.publish(forged, { offer: relabelled }),
        { status: 'refused', code: 'UNTRUSTED' },
        0,
      );
    });

    it('refuses an unsigned artefact (empty signature, or none)', async () => {
      await refusedWith(
        (s) => s.publish(v2, { offer: { ...v2.offer(), signature: '' } }),
        { status: 'refused', code: 'UNTRUSTED' },
        0,
      );
      const { signature: _dropped, ...unsigned } = v2.offer();
      await refusedWith(
        (s) => s.publish(v2, { offer: unsigned }),
        { status: 'refused', code: 'BAD_OFFER' },
        0,
      );
    });

    it('refuses an artefact for another camera model or an older firmware, without downloading', async () => {
      const otherCam = signedArtefact(v2.bytes, { version: '1.2.0', cameraModels: ['cm-b'] });
      await refusedWith((s) => s.publish(otherCam), { status: 'refused', code: 'INCOMPATIBLE' }, 0);
      const newerFw = signedArtefact(v2.bytes, { version: '1.2.0', minFirmware: '3.0.0' });
      await refusedWith((s) => s.publish(newerFw), { status: 'refused', code: 'INCOMPATIBLE' }, 0);
    });

    it('refuses a signed artefact of another kind served on the model channel', async () => {
      const isp = signedArtefact(artefactBytes(100, 9), { kind: 'isp_profile', version: '1.2.0' });
      await refusedWith(
        (s) => s.publish(v2, { offer: { ...isp.offer(), kind: 'model' } }),
        { status: 'refused', code: 'BAD_OFFER' },
        0,
      );
    });

    it('refuses an artefact larger than the kind allows, without downloading', async () => {
      const big = signedArtefact(artefactBytes(5000, 4), { version: '1.2.0' });
      const r = rig({ config: { maxBytes: { ...DEFAULT_OTA_UPDATER.maxBytes, model: 4096 } } });
      r.server.publish(big);
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'TOO_LARGE' });
      expect(r.server.downloads).toHaveLength(0);
    });

    it('keeps the last good artefact when the consumer cannot use a verified one', async () => {
      const consumer = recordingConsumer((b) => b.length === v2.bytes.length);
      const r = rig({ consumer });
      await installed(r, v1);
      r.server.publish(v2);
      expect(await r.updater.checkNow('model')).toMatchObject({
        status: 'refused',
        code: 'CONSUMER_REFUSED',
      });
      expect(r.updater.active('model')?.version).toBe('1.1.0');
      expect(r.reboot().boot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: false }]);
    });

    it('does not let an edited copy of a genuine offer block the genuine one', async () => {
      const r = rig();
      await installed(r, v1);
      r.server.publish(v2, {
        offer: { ...v2.offer(), manifest: { ...v2.manifest, createdAt: '2027-01-01T00:00:00Z' } },
      });
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'UNTRUSTED' });
      r.server.publish(v2, { offer: { ...v2.offer(), size: 1 } });
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'BAD_OFFER' });
      r.server.publish(v2);
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'installed', version: '1.2.0' });
    });

    it('does not download an offer it refused before again', async () => {
      const r = rig();
      r.server.publish(signedArtefact(artefactBytes(10, 5), { version: '1.3.0', cameraModels: ['cm-b'] }));
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'INCOMPATIBLE' });
      expect(await r.updater.checkNow('model')).toEqual({
        kind: 'model',
        status: 'skipped',
        version: '1.3.0',
      });
    });
  });

  describe('anti-rollback', () => {
    const old = signedArtefact(artefactBytes(2600, 7), { version: '1.0.0' });

    it('refuses an older, validly signed version (replay of a superseded release)', async () => {
      const r = rig();
      await installed(r, v2);
      r.server.publish(old);
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
      expect(r.server.downloads).toHaveLength(1);
      expect(r.updater.active('model')?.version).toBe('1.2.0');
    });

    it('accepts a signed rollback that names the running version, and lowers the floor to it', async () => {
      const r = rig();
      await installed(r, v2);
      await installed(
        r,
        signedArtefact(old.bytes, { version: '1.0.0', provenance: { rollback: true, replaces: '1.2.0' } }),
      );
      // The fix after a rollback may carry a number below the rolled-back release.
      await installed(r, signedArtefact(artefactBytes(2650, 8), { version: '1.1.5' }));
    });

    it('refuses a signed rollback meant for another version (cannot be replayed later)', async () => {
      const r = rig();
      await installed(r, v1);
      await installed(r, v2);
      r.server.publish(
        signedArtefact(old.bytes, { version: '1.0.0', provenance: { rollback: true, replaces: '1.1.0' } }),
      );
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
    });

    it('lets a rolled-back candidate cohort return to the last good version, and no further', async () => {
      const r = rig();
      await installed(r, signedArtefact(old.bytes, { version: '1.0.0' }));
      await installed(r, v1);
      await installed(r, v2);
      // The staged rollout of 1.2.0 is rolled back: the cohort is offered the control version again.
      await installed(r, v1);
      r.server.publish(old);
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
      expect(r.updater.active('model')?.version).toBe('1.1.0');
    });

    it('keeps the floor when the host polls without calling boot() first', async () => {
      const r = rig();
      await installed(r, v2);
      const forgetful = r.reboot();
      r.server.publish(old);
      expect(await forgetful.checkNow('model')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
    });

    it('keeps the floor when a corrupted slot falls back to an older one', async () => {
      const r = rig();
      await installed(r, signedArtefact(old.bytes, { version: '1.0.0' }));
      await installed(r, v1);
      await installed(r, v2);
      const active = activeSlotIn((k) => r.storage.get(k));
      r.storage.set(`ota/model/${active}/0`, `AAAA${r.storage.get(`ota/model/${active}/0`)!.slice(4)}`);
      const rebooted = r.reboot();
      expect(rebooted.boot()).toEqual([{ kind: 'model', version: '1.1.0', fellBack: true }]);
      r.server.publish(signedArtefact(artefactBytes(2600, 11), { version: '1.0.5' }));
      expect(await rebooted.checkNow('model')).toMatchObject({ status: 'refused', code: 'DOWNGRADE' });
      r.server.publish(v2);
      expect(await rebooted.checkNow('model')).toMatchObject({ status: 'installed', version: '1.2.0' });
    });
  });

  describe('polling', () => {
    it('polls first at a random moment within the first-poll window, then about once per interval', async () => {
      const r = rig();
      r.server.publish(v1);
      const first = r.updater.nextPollAtMs('model')!;
      expect(first).toBeGreaterThanOrEqual(T0_MS);
      expect(first).toBeLessThan(T0_MS + DEFAULT_OTA_UPDATER.firstPollMaxDelayMs);
      r.clock.set(first - 1);
      expect(await r.updater.tick()).toEqual([]);
      r.clock.set(first);
      expect(await r.updater.tick()).toMatchObject([{ status: 'installed' }]);
      const gap = r.updater.nextPollAtMs('model')! - first;
      expect(gap).toBeGreaterThanOrEqual(6 * HOUR_MS * 0.8);
      expect(gap).toBeLessThanOrEqual(6 * HOUR_MS * 1.2);
      expect(r.server.offerRequests).toHaveLength(1);
    });

    it('spreads a fleet booted at the same moment', () => {
      const firsts = Array.from({ length: 50 }, (_, i) =>
        new OtaUpdater(
          {
            clock: new ManualClock(T0_MS),
            random: createSeededRandom(`camera-${i}`),
            storage: new MemoryStorage(),
            logger: silentLogger,
            transport: async () => ({ status: 204, headers: {}, body: '' }),
            fetchBytes: async () => ({ status: 404, bytes: new Uint8Array() }),
            releaseKeys: RELEASE_KEYS,
            consumers: { model: recordingConsumer() },
          },
          {
            ...DEFAULT_OTA_UPDATER,
            apiUrl: 'https://x.test',
            deviceToken: 't',
            cameraModel: 'c',
            firmware: '1.0.0',
          },
        ).nextPollAtMs('model'),
      );
      expect(new Set(firsts.map((t) => Math.floor((t! - T0_MS) / 60_000))).size).toBeGreaterThan(5);
    });

    it('backs off exponentially (with jitter) while the API fails, and recovers', async () => {
      const r = rig();
      r.server.offerStatus = 503;
      const caps: number[] = [];
      for (let i = 0; i < 6; i++) {
        const before = r.clock.nowMs();
        expect(await r.updater.checkNow('model')).toMatchObject({
          status: 'failed',
          code: 'DOWNLOAD_FAILED',
        });
        const wait = r.updater.nextPollAtMs('model')! - before;
        caps.push(DEFAULT_OTA_UPDATER.baseBackoffMs * 2 ** i);
        expect(wait).toBeLessThan(caps[i]!);
        r.clock.set(before + caps[i]!);
      }
      r.server.offerStatus = 200;
      r.server.publish(v1);
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'installed' });
    });

    it('treats an unreachable network and a non-JSON offer (captive portal) as retryable', async () => {
      const r = rig();
      r.server.networkDown = true;
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'failed', code: 'DOWNLOAD_FAILED' });
      const portal = rig();
      portal.server.rawOfferBody = '<html>log in</html>';
      expect(await portal.updater.checkNow('model')).toMatchObject({
        status: 'failed',
        code: 'DOWNLOAD_FAILED',
      });
    });
  });

  describe('downloads', () => {
    it('sends the device token for a URL relative to the API', async () => {
      const r = rig();
      await installed(r, v1);
      expect(r.server.downloads[0]).toEqual({
        url: `${r.server.apiUrl}/v1/artefacts/model/1.1.0`,
        headers: { authorization: 'Bearer device-secret' },
        maxBytes: v1.bytes.length,
      });
    });

    it('never sends the device token to another host (a presigned bucket URL)', async () => {
      const r = rig();
      const url = 'https://bucket.example.test/artefacts/model/1.1.0?X-Amz-Signature=abc';
      r.server.publish(v1, { url });
      expect(await r.updater.checkNow('model')).toMatchObject({ status: 'installed' });
      expect(r.server.downloads[0]).toEqual({ url, headers: {}, maxBytes: v1.bytes.length });
    });
  });

  describe('a power cut during an update', () => {
    function updaterOn(
      storage: KeyValueStorage,
      server: ArtefactServer,
      consumer: ArtefactConsumer,
    ): OtaUpdater {
      return new OtaUpdater(
        {
          clock: new ManualClock(T0_MS),
          random: createSeededRandom('cut'),
          storage,
          logger: silentLogger,
          transport: server.transport,
          fetchBytes: server.fetchBytes,
          releaseKeys: RELEASE_KEYS,
          consumers: { model: consumer },
        },
        {
          ...DEFAULT_OTA_UPDATER,
          apiUrl: server.apiUrl,
          deviceToken: 't',
          cameraModel: 'cm-a',
          firmware: '2.0.0',
        },
      );
    }

    /** Flash holding v1, installed through the updater; the server now offers v2. */
    async function flashWithV1(): Promise<{ flash: MemoryStorage; server: ArtefactServer }> {
      const flash = new MemoryStorage();
      const server = new ArtefactServer();
      server.publish(v1);
      const u = updaterOn(flash, server, recordingConsumer());
      u.boot();
      expect(await u.checkNow('model')).toMatchObject({ status: 'installed' });
      server.publish(v2);
      return { flash, server };
    }

    it('reboots a fresh updater into the old or the new artefact, verified, at every write index', async () => {
      const counting = await flashWithV1();
      const counter = new PowerCutStorage(counting.flash, Number.POSITIVE_INFINITY);
      const full = updaterOn(counter, counting.server, recordingConsumer());
      full.boot();
      expect(await full.checkNow('model')).toMatchObject({ status: 'installed' });
      const total = counter.writes;
      const booted: string[] = [];
      for (let n = 0; n < total; n++) {
        const { flash, server } = await flashWithV1();
        const dying = updaterOn(new PowerCutStorage(flash, n), server, recordingConsumer());
        dying.boot();
        expect(await dying.checkNow('model')).toMatchObject({ status: 'failed', code: 'STORAGE_FAILED' });

        const consumer = recordingConsumer();
        const [report] = updaterOn(flash, server, consumer).boot();
        const expected = report?.version === '1.2.0' ? v2 : v1;
        expect(report?.version).toBe(expected.manifest.version);
        expect(consumer.adopted.map((x) => x.bytes)).toEqual([expected.bytes]);
        booted.push(report!.version!);
      }
      // Every cut before the pointer write keeps 1.1.0; the pointer write is the last one.
      expect(booted.every((v) => v === '1.1.0')).toBe(true);
      expect(booted).toHaveLength(total);
    });
  });

  describe('lines (prior tiles per area)', () => {
    const tile = (area: string, version: string, salt: number) =>
      signedArtefact(artefactBytes(300, salt), { kind: 'conflict_priors', name: `priors-${area}`, version });

    it('asks for the line it is told, and keeps an anti-rollback floor per line', async () => {
      const r = rig({ kind: 'conflict_priors', config: { lines: { conflict_priors: 'priors-x' } } });
      r.server.publish(tile('x', '1.5.0', 1));
      expect(await r.updater.checkNow('conflict_priors')).toMatchObject({
        status: 'installed',
        version: '1.5.0',
      });
      expect(r.server.offerRequests[0]?.url).toContain(
        '?kind=conflict_priors&name=priors-x&cameraModel=cm-a',
      );

      r.updater.setLine('conflict_priors', 'priors-y');
      expect(r.updater.nextPollAtMs('conflict_priors')).toBe(r.clock.nowMs());
      r.server.publish(tile('y', '1.0.0', 2));
      expect(await r.updater.tick()).toMatchObject([
        { status: 'installed', version: '1.0.0', replaced: '1.5.0' },
      ]);

      r.updater.setLine('conflict_priors', 'priors-x');
      r.server.publish(tile('x', '1.4.0', 3));
      expect(await r.updater.checkNow('conflict_priors')).toMatchObject({
        status: 'refused',
        code: 'DOWNGRADE',
      });
      r.server.publish(tile('x', '1.6.0', 4));
      expect(await r.updater.checkNow('conflict_priors')).toMatchObject({
        status: 'installed',
        version: '1.6.0',
      });
    });

    it('refuses a validly signed tile of another line than the one asked for', async () => {
      const r = rig({ kind: 'conflict_priors', config: { lines: { conflict_priors: 'priors-x' } } });
      r.server.publish(tile('z', '2.0.0', 5));
      expect(await r.updater.checkNow('conflict_priors')).toMatchObject({
        status: 'refused',
        code: 'BAD_OFFER',
      });
      expect(r.server.downloads).toHaveLength(0);
    });
  });
});
