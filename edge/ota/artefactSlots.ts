import { type ArtefactKind, type ArtefactManifest, compareVersions } from '../../lib/contract/artefact.ts';
import type { Logger } from '../core/logger.ts';
import type { KeyValueStorage } from '../core/storage.ts';
import { type CameraIdentity, checkArtefact } from './artefactCheck.ts';
import { decodeBase64, encodeBase64 } from './encoding.ts';
import { OtaError } from './otaError.ts';

/** One of the two flash slots of a kind. */
export type SlotName = 'a' | 'b';

/** A verified artefact as it sits in a slot. */
export interface StoredArtefact {
  slot: SlotName;
  manifest: ArtefactManifest;
  /** The Ed25519 signature over the manifest, hex, kept so every boot can re-verify. */
  signature: string;
  bytes: Uint8Array;
}

/** Options of {@link ArtefactSlots}. */
export interface ArtefactSlotsOptions {
  kind: ArtefactKind;
  /** The pinned release public keys (raw 32-byte Ed25519); only these can make an artefact run. */
  releaseKeys: readonly Uint8Array[];
  camera: CameraIdentity;
  /**
   * Base64 characters per storage value. Camera key/value flash often caps a value (ESP-IDF NVS
   * strings at 4000 bytes), so large artefacts are split; the BADAS model (2.7 KB, 3.6 KB in
   * base64) fits one chunk of the default.
   */
  chunkChars?: number;
  /** Key namespace; `ota/` by default. */
  keyPrefix?: string;
  logger?: Logger;
}

/** What {@link ArtefactSlots.load} found at boot. */
export interface SlotLoad {
  artefact: StoredArtefact;
  /** True when the pointer's slot failed re-verification (or its consumer) and the other slot serves. */
  fellBack: boolean;
}

/**
 * Receives a verified artefact and either adopts it or throws, leaving what it used before in
 * place. Called before the pointer flips, so a refused artefact never becomes the active one.
 */
export type AdoptArtefact = (artefact: StoredArtefact) => void;

/** Default {@link ArtefactSlotsOptions.chunkChars}: under the 4000-byte value cap common on camera flash stores. */
export const DEFAULT_CHUNK_CHARS = 3996;

/**
 * The pointer record, written last; it alone says which slot is active. Written alternately to
 * two keys (`active/0`, `active/1`) with a rising `seq`, so a torn pointer write spoils only the
 * copy being written and the other still names the old slot (a double-buffered superblock).
 */
export interface SlotPointer {
  /** Rises by one per install; the readable copy with the highest wins. */
  seq: number;
  slot: SlotName;
  version: string;
  sha256: string;
  /**
   * Anti-rollback floors per line (manifest `name`): the last good version of each line the
   * camera ran (see `OtaUpdater`), lowered only by a signed rollback. Per line because versions
   * of different lines (the prior tiles of two areas, a renamed model) do not compare; kept in
   * the pointer (not derived from the slots) so a corrupted slot that falls back to an older one,
   * or a detour through another line, does not reopen the door to everything in between.
   */
  floors: Record<string, string>;
}

/** A slot's header, written after its chunks: the manifest, its signature and the chunk count. */
interface SlotMeta {
  manifest: unknown;
  signature: string;
  chunks: number;
}

const other = (s: SlotName): SlotName => (s === 'a' ? 'b' : 'a');

/**
 * Two flash slots (A/B) per artefact kind and a pointer record, so that an update can be
 * interrupted by a power cut at any storage write and the camera still boots a verified artefact:
 *
 * 1. the new artefact is written to the slot that is not serving (its header first deleted, so a
 *    half-written slot is never mistaken for a whole one; chunks, then header);
 * 2. it is read back from flash and verified again (signature, size, SHA-256) — flash writes can
 *    fail silently;
 * 3. the consumer adopts it (or refuses, and the pointer stays);
 * 4. the pointer is written — the single write that switches.
 *
 * Before step 4 the old slot is untouched and the pointer names it; after, the pointer names a
 * slot that was verified on read-back. At boot the pointer's slot is re-verified and, if it
 * fails (bit rot, a torn write), the other slot serves: the last good artefact. No byte reaches
 * a consumer without passing {@link checkArtefact} on what was read from flash.
 *
 * Bytes are stored as standard base64 (the store holds strings): 4/3 of the artefact's size,
 * per slot, so the BADAS model costs about 7.2 KB of flash for both slots.
 *
 * Writes of one value are assumed atomic *or* detectable: a torn chunk fails the SHA-256, a torn
 * header fails to parse, and a torn pointer copy fails to parse while the other copy still names
 * the old slot.
 */
export class ArtefactSlots {
  private readonly kind: ArtefactKind;
  private readonly chunkChars: number;
  private readonly prefix: string;
  private serving: { slot: SlotName; manifest: ArtefactManifest } | undefined;
  private pointer: SlotPointer | undefined;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly options: ArtefactSlotsOptions,
  ) {
    this.kind = options.kind;
    this.chunkChars = Math.max(4, Math.floor((options.chunkChars ?? DEFAULT_CHUNK_CHARS) / 4) * 4);
    this.prefix = `${options.keyPrefix ?? 'ota/'}${options.kind}/`;
  }

  /** The manifest of the artefact serving now (after {@link load} or {@link install}). */
  active(): ArtefactManifest | undefined {
    return this.serving?.manifest;
  }

  /** The anti-rollback floor of line `name` (manifest name): undefined for a line never run. */
  floorVersion(name: string): string | undefined {
    const floor = this.pointer?.floors[name];
    if (floor !== undefined) return floor;
    const m = this.serving?.manifest;
    return m?.name === name ? m.version : undefined;
  }

  /**
   * Boot: re-verifies the pointer's slot and hands it to `adopt`; on any failure tries the
   * other slot. Returns undefined when no slot holds a verified, adoptable artefact (or nothing
   * was ever activated). Never writes.
   */
  load(adopt: AdoptArtefact): SlotLoad | undefined {
    const copies = [0, 1].map((i) => this.storage.get(this.key(`active/${i}`)));
    if (copies.every((c) => c === undefined)) return undefined;
    this.pointer = newestPointer(copies);
    let order: SlotName[];
    if (this.pointer) order = [this.pointer.slot, other(this.pointer.slot)];
    else {
      // Both copies unreadable: not a torn write (that spoils one), flash damage. Serve what verifies.
      this.options.logger?.warn('ota pointer unreadable; choosing by version', { kind: this.kind });
      const found = (['a', 'b'] as const)
        .map((s) => this.tryRead(s))
        .filter((a): a is StoredArtefact => a !== undefined)
        .sort((x, y) => compareVersions(y.manifest.version, x.manifest.version));
      order = found.map((a) => a.slot);
      const top = found[0];
      if (top)
        this.pointer = {
          seq: 0,
          slot: top.slot,
          version: top.manifest.version,
          sha256: top.manifest.sha256,
          floors: { [top.manifest.name]: top.manifest.version },
        };
    }
    for (const [i, slot] of order.entries()) {
      const artefact = this.tryRead(slot);
      if (!artefact) continue;
      try {
        adopt(artefact);
      } catch (err) {
        this.options.logger?.warn('ota consumer refused a stored artefact', {
          kind: this.kind,
          slot,
          reason: (err as Error).message ?? 'unknown',
        });
        continue;
      }
      this.serving = { slot, manifest: artefact.manifest };
      if (i > 0)
        this.options.logger?.warn('ota active slot failed; serving the last good', { kind: this.kind, slot });
      return { artefact, fellBack: i > 0 };
    }
    return undefined;
  }

  /**
   * Writes a verified artefact to the slot not serving, reads it back and verifies it, lets
   * `adopt` take it, then flips the pointer. `floorVersion` is the anti-rollback floor of the
   * artefact's line the pointer will carry (other lines' floors are kept). On any failure the pointer is untouched and the serving artefact stays.
   *
   * @throws OtaError `STORAGE_FAILED` / `READBACK_FAILED` (flash), or what `adopt` throws (as
   * `CONSUMER_REFUSED`). A pointer write that throws leaves the consumer on the new (verified)
   * artefact until the next boot, which serves the old one: both outcomes are verified.
   */
  install(
    offer: { manifest: ArtefactManifest; signature: string },
    bytes: Uint8Array,
    floorVersion: string,
    adopt: AdoptArtefact,
  ): StoredArtefact {
    const target = other(this.serving?.slot ?? this.pointer?.slot ?? 'b');
    try {
      this.writeSlot(target, offer, bytes);
    } catch (err) {
      if (err instanceof OtaError) throw err;
      throw new OtaError(
        'STORAGE_FAILED',
        `writing slot ${target}: ${(err as Error).message ?? String(err)}`,
      );
    }
    const readBack = this.tryRead(target);
    if (!readBack || readBack.manifest.sha256 !== offer.manifest.sha256)
      throw new OtaError(
        'READBACK_FAILED',
        `${this.kind} ${offer.manifest.version} did not read back verified`,
      );
    try {
      adopt(readBack);
    } catch (err) {
      // Clear the refused candidate so a later fallback cannot pick it up (best effort: a slot
      // left behind is still verified, and the consumer refuses it again at boot).
      try {
        this.storage.delete(this.key(`${target}/meta`));
      } catch {}
      throw new OtaError('CONSUMER_REFUSED', (err as Error).message ?? String(err));
    }
    const pointer: SlotPointer = {
      seq: (this.pointer?.seq ?? -1) + 1,
      slot: target,
      version: readBack.manifest.version,
      sha256: readBack.manifest.sha256,
      floors: withFloor(this.pointer?.floors ?? {}, readBack.manifest.name, floorVersion),
    };
    try {
      this.storage.set(this.key(`active/${pointer.seq % 2}`), JSON.stringify(pointer));
    } catch (err) {
      throw new OtaError('STORAGE_FAILED', `writing the pointer: ${(err as Error).message ?? String(err)}`);
    }
    this.pointer = pointer;
    this.serving = { slot: target, manifest: readBack.manifest };
    return readBack;
  }

  /** Step 1 of {@link install}: header deleted, chunks written, stale tail removed, header written. */
  private writeSlot(
    target: SlotName,
    offer: { manifest: ArtefactManifest; signature: string },
    bytes: Uint8Array,
  ): void {
    const text = encodeBase64(bytes);
    const chunks = Math.max(1, Math.ceil(text.length / this.chunkChars));
    // Header first: from here until it is rewritten the slot reads as empty, never as whole.
    this.storage.delete(this.key(`${target}/meta`));
    for (let i = 0; i < chunks; i++)
      this.storage.set(
        this.key(`${target}/${i}`),
        text.slice(i * this.chunkChars, (i + 1) * this.chunkChars),
      );
    // A previous, longer artefact's tail would otherwise stay in flash for ever.
    for (let i = chunks; this.storage.get(this.key(`${target}/${i}`)) !== undefined; i++)
      this.storage.delete(this.key(`${target}/${i}`));
    const meta: SlotMeta = { manifest: offer.manifest, signature: offer.signature, chunks };
    this.storage.set(this.key(`${target}/meta`), JSON.stringify(meta));
  }

  /** Reads and fully verifies one slot; undefined (and a log line) when it does not verify. */
  private tryRead(slot: SlotName): StoredArtefact | undefined {
    try {
      return this.read(slot);
    } catch (err) {
      this.options.logger?.warn('ota slot does not verify', {
        kind: this.kind,
        slot,
        code: (err as { code?: string }).code ?? 'unknown',
      });
      return undefined;
    }
  }

  private read(slot: SlotName): StoredArtefact | undefined {
    const rawMeta = this.storage.get(this.key(`${slot}/meta`));
    if (rawMeta === undefined) return undefined;
    let meta: SlotMeta;
    try {
      meta = JSON.parse(rawMeta) as SlotMeta;
    } catch {
      throw new OtaError('BAD_ENCODING', `slot ${slot} header is not JSON`);
    }
    if (!meta || typeof meta.signature !== 'string' || !Number.isInteger(meta.chunks) || meta.chunks < 1)
      throw new OtaError('BAD_ENCODING', `slot ${slot} header is malformed`);
    const parts: string[] = [];
    for (let i = 0; i < meta.chunks; i++) {
      const part = this.storage.get(this.key(`${slot}/${i}`));
      if (part === undefined) throw new OtaError('BAD_BYTES', `slot ${slot} chunk ${i} is missing`);
      parts.push(part);
    }
    const bytes = decodeBase64(parts.join(''));
    const manifest = checkArtefact(
      meta.manifest,
      meta.signature,
      { kind: this.kind, releaseKeys: this.options.releaseKeys, camera: this.options.camera },
      bytes,
    );
    return { slot, manifest, signature: meta.signature, bytes };
  }

  private key(suffix: string): string {
    return this.prefix + suffix;
  }
}

/** The readable pointer copy with the highest `seq`, if any. */
export function newestPointer(copies: readonly (string | undefined)[]): SlotPointer | undefined {
  let best: SlotPointer | undefined;
  for (const raw of copies) {
    const p = raw === undefined ? undefined : parsePointer(raw);
    if (p && (!best || p.seq > best.seq)) best = p;
  }
  return best;
}

function parsePointer(raw: string): SlotPointer | undefined {
  try {
    const p = JSON.parse(raw) as Partial<SlotPointer> | null;
    if (
      p &&
      Number.isInteger(p.seq) &&
      (p.slot === 'a' || p.slot === 'b') &&
      typeof p.version === 'string' &&
      typeof p.sha256 === 'string' &&
      p.floors !== null &&
      typeof p.floors === 'object' &&
      Object.values(p.floors).every((v) => typeof v === 'string')
    )
      return p as SlotPointer;
  } catch {
    // fall through: a torn pointer is handled by the caller
  }
  return undefined;
}

/** Lines whose floors the pointer keeps; the least recently installed is forgotten beyond it. */
export const MAX_LINE_FLOORS = 32;

function withFloor(floors: Record<string, string>, name: string, version: string): Record<string, string> {
  const { [name]: _old, ...rest } = floors;
  const entries = [...Object.entries(rest), [name, version] as [string, string]];
  return Object.fromEntries(entries.slice(-MAX_LINE_FLOORS));
}
