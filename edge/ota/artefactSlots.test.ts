import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../core/storage.ts';
import { ArtefactSlots, type StoredArtefact } from './artefactSlots.ts';
import {
  activeSlotIn,
  artefactBytes,
  PowerCutStorage,
  RELEASE_KEYS,
  recordingConsumer,
  type SignedArtefact,
  signedArtefact,
} from './otaTestKit.ts';

const camera = { cameraModel: 'cm-a', firmware: '2.0.0' };

function slotsOn(storage: MemoryStorage | PowerCutStorage, chunkChars = 400): ArtefactSlots {
  return new ArtefactSlots(storage, { kind: 'model', releaseKeys: RELEASE_KEYS, camera, chunkChars });
}

const v1 = signedArtefact(artefactBytes(1500, 1), { version: '1.0.0' });
const v2 = signedArtefact(artefactBytes(1100, 2), { version: '1.1.0' });
const v3 = signedArtefact(artefactBytes(1700, 3), { version: '1.2.0' });

/** Installs `a` on a freshly booted slot set over `storage` (as an updater would after boot). */
function bootAndInstall(storage: MemoryStorage | PowerCutStorage, a: SignedArtefact): StoredArtefact {
  const slots = slotsOn(storage);
  slots.load(() => {});
  return slots.install(a, a.bytes, a.manifest.version, () => {});
}

/** Storage holding the given sequence of installs, each completed. */
function storageWith(...installs: SignedArtefact[]): MemoryStorage {
  const storage = new MemoryStorage();
  for (const a of installs) bootAndInstall(storage, a);
  return storage;
}

function copy(storage: MemoryStorage, keys: string[]): MemoryStorage {
  const out = new MemoryStorage();
  for (const k of keys) {
    const v = storage.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** Every key the slots may use with these artefacts and the 400-char chunking of the tests. */
const ALL_KEYS = [
  'ota/model/active/0',
  'ota/model/active/1',
  ...['a', 'b'].flatMap((s) => [
    `ota/model/${s}/meta`,
    ...Array.from({ length: 8 }, (_, i) => `ota/model/${s}/${i}`),
  ]),
];

/** How many storage mutations an install of `next` over `before` makes, counted, not assumed. */
function writesOfInstall(before: SignedArtefact[], next: SignedArtefact): number {
  const counting = new PowerCutStorage(storageWith(...before), Number.POSITIVE_INFINITY);
  bootAndInstall(counting, next);
  return counting.writes;
}

describe('ArtefactSlots', () => {
  it('hands the consumer exactly the installed bytes after a reboot', () => {
    const storage = storageWith(v1);
    const consumer = recordingConsumer();
    const loaded = slotsOn(storage).load((a) => consumer.onArtefact('model', a.bytes, a.manifest));
    expect(loaded?.artefact.manifest.version).toBe('1.0.0');
    expect(loaded?.fellBack).toBe(false);
    expect(consumer.adopted.map((x) => x.bytes)).toEqual([v1.bytes]);
  });

  it('splits an artefact into chunks no longer than chunkChars and stores it as base64', () => {
    const storage = storageWith(v1);
    const chunks = [0, 1, 2, 3, 4].map((i) => storage.get(`ota/model/a/${i}`));
    expect(chunks.slice(0, 4).every((c) => c !== undefined && c.length <= 400)).toBe(true);
    expect(chunks.join('')).toBe(Buffer.from(v1.bytes).toString('base64'));
  });

  it('writes the new artefact to the other slot and keeps the last good one', () => {
    const storage = storageWith(v1, v2);
    expect(activeSlotIn((k) => storage.get(k))).toBe('b');
    expect(JSON.parse(storage.get('ota/model/a/meta')!).manifest.version).toBe('1.0.0');
  });

  it('removes the tail chunks of a longer artefact the slot held before', () => {
    const storage = storageWith(v3, v2, v1);
    // v3 (1700 B → 2268 chars → 6 chunks) sat in slot a; v1 (1500 B → 2000 chars → 5 chunks) replaced it.
    expect(storage.get('ota/model/a/5')).toBeUndefined();
    expect(storage.get('ota/model/a/4')).toBeDefined();
  });

  it('falls back to the last good slot when the active one fails re-verification at boot', () => {
    const storage = storageWith(v1, v2);
    const chunk = storage.get('ota/model/b/0')!;
    storage.set('ota/model/b/0', (chunk[0] === 'A' ? 'B' : 'A') + chunk.slice(1));
    const consumer = recordingConsumer();
    const loaded = slotsOn(storage).load((a) => consumer.onArtefact('model', a.bytes, a.manifest));
    expect(loaded?.fellBack).toBe(true);
    expect(loaded?.artefact.manifest.version).toBe('1.0.0');
    expect(consumer.adopted.map((x) => x.bytes)).toEqual([v1.bytes]);
  });

  it('falls back when the consumer refuses the active artefact at boot', () => {
    const storage = storageWith(v1, v2);
    const consumer = recordingConsumer((b) => b.length === v2.bytes.length);
    const loaded = slotsOn(storage).load((a) => consumer.onArtefact('model', a.bytes, a.manifest));
    expect(loaded?.artefact.manifest.version).toBe('1.0.0');
  });

  it('serves nothing and calls no consumer when neither slot verifies', () => {
    const storage = storageWith(v1, v2);
    for (const s of ['a', 'b'])
      storage.set(`ota/model/${s}/meta`, '{"manifest":{},"signature":"00","chunks":1}');
    const consumer = recordingConsumer();
    expect(slotsOn(storage).load((a) => consumer.onArtefact('model', a.bytes, a.manifest))).toBeUndefined();
    expect(consumer.adopted).toEqual([]);
  });

  it('refuses at boot an artefact whose header was re-signed by nobody (manifest edited in flash)', () => {
    const storage = storageWith(v1);
    const meta = JSON.parse(storage.get('ota/model/a/meta')!);
    meta.manifest.compatibility.cameraModels = ['cm-a'];
    storage.set('ota/model/a/meta', JSON.stringify(meta));
    expect(slotsOn(storage).load(() => {})).toBeUndefined();
  });

  it('never activates a candidate the consumer refused, and clears it from flash', () => {
    const storage = storageWith(v1);
    const slots = slotsOn(storage);
    slots.load(() => {});
    expect(() =>
      slots.install(v2, v2.bytes, '1.1.0', () => {
        throw new Error('unusable');
      }),
    ).toThrow(expect.objectContaining({ code: 'CONSUMER_REFUSED' }));
    expect(slots.active()?.version).toBe('1.0.0');
    expect(storage.get('ota/model/b/meta')).toBeUndefined();
    expect(slotsOn(storage).load(() => {})?.artefact.manifest.version).toBe('1.0.0');
  });

  it('carries the anti-rollback floor in the pointer across reboots', () => {
    const storage = storageWith(v1);
    const slots = slotsOn(storage);
    slots.load(() => {});
    slots.install(v2, v2.bytes, '1.4.0', () => {});
    const again = slotsOn(storage);
    again.load(() => {});
    expect(again.floorVersion('badas-anticipation')).toBe('1.4.0');
    expect(again.floorVersion('another-line')).toBeUndefined();
  });

  describe('a power cut at every storage write of an update', () => {
    const cases: { name: string; before: SignedArtefact[]; next: SignedArtefact }[] = [
      { name: 'first install (nothing → 1.0.0)', before: [], next: v1 },
      { name: 'update (1.0.0 → 1.1.0)', before: [v1], next: v2 },
      { name: 'update over the last good slot (1.1.0 → 1.2.0)', before: [v1, v2], next: v3 },
    ];
    for (const torn of [false, true])
      for (const c of cases)
        it(`boots the old or the new artefact, verified, never a mix: ${c.name}${torn ? ', torn write' : ''}`, () => {
          const total = writesOfInstall(c.before, c.next);
          expect(total).toBeGreaterThanOrEqual(4);
          const old = c.before.at(-1);
          const seen = new Set<string>();
          for (let n = 0; n <= total; n++) {
            const flash = storageWith(...c.before);
            const dying = new PowerCutStorage(flash, n, torn);
            if (n < total) expect(() => bootAndInstall(dying, c.next)).toThrow(/power/);
            else bootAndInstall(dying, c.next);

            const consumer = recordingConsumer();
            const rebooted = slotsOn(copy(flash, ALL_KEYS));
            const loaded = rebooted.load((a) => consumer.onArtefact('model', a.bytes, a.manifest));
            const got = loaded?.artefact;
            const allowed = [old, c.next].filter((x) => x !== undefined);
            if (got === undefined) expect(old).toBeUndefined();
            else {
              const match = allowed.find((x) => x.manifest.version === got.manifest.version);
              expect(match).toBeDefined();
              expect(got.bytes).toEqual(match!.bytes);
              expect(consumer.adopted).toHaveLength(1);
              expect(consumer.adopted[0]!.bytes).toEqual(match!.bytes);
              seen.add(got.manifest.version);
            }
            if (n === total) expect(got?.manifest.version).toBe(c.next.manifest.version);
            // With a previous pointer copy to fall back on, any cut before the end keeps the old one.
            else if (old) expect(got?.manifest.version).toBe(old.manifest.version);
            // After the cut, the next update attempt completes on the same flash.
            const resumed = slotsOn(flash);
            resumed.load(() => {});
            resumed.install(c.next, c.next.bytes, c.next.manifest.version, () => {});
            expect(slotsOn(flash).load(() => {})?.artefact.bytes).toEqual(c.next.bytes);
          }
          // Both outcomes really occur: the cut before the pointer keeps the old one.
          expect(seen.has(c.next.manifest.version)).toBe(true);
          if (old) expect(seen.has(old.manifest.version)).toBe(true);
        });
  });
});
