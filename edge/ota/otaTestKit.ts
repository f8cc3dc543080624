import {
  ARTEFACT_CHANNEL,
  type ArtefactKind,
  type ArtefactManifest,
  type ArtefactOffer,
  keyIdOf,
  publicKeyOf,
  sha256Hex,
  signManifest,
} from '../../lib/contract/artefact.ts';
import type { KeyValueStorage } from '../core/storage.ts';
import type { Transport, TransportRequest } from '../core/transport.ts';
import type { ArtefactConsumer } from './artefactConsumer.ts';
import { newestPointer, type SlotName } from './artefactSlots.ts';
import type { ByteFetch, ByteFetchRequest } from './byteFetch.ts';

/**
 * Test kit of `edge/ota/` (tests and the OTA bench only; never in the camera bundle): release
 * keys, signed artefacts built with the real `signManifest`, an artefact server standing in for
 * the injected transport, and a storage that loses power after N writes.
 */

/** A release signing seed (32 bytes) derived from a label, so tests read as "the release key". */
export function seedOf(label: string): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (label.charCodeAt(i % label.length) * 31 + i * 7) & 255);
}

/** The release signing seed of the tests. */
export const RELEASE_SEED = seedOf('dashnet-release');
/** A key the camera does not pin: what an attacker signs with. */
export const ATTACKER_SEED = seedOf('someone-else');
/** The public keys the camera pins in tests: the release key only. */
export const RELEASE_KEYS: readonly Uint8Array[] = [publicKeyOf(RELEASE_SEED)];

/** Deterministic pseudo-random artefact bytes of a given length. */
export function artefactBytes(length: number, salt = 1): Uint8Array {
  let x = (salt * 2654435761) >>> 0 || 1;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 255;
  });
}

/** Options of {@link signedArtefact}. */
export interface SignedArtefactOptions {
  kind?: ArtefactKind;
  /** The line; by default one per kind. */
  name?: string;
  version?: string;
  cameraModels?: string[];
  minFirmware?: string;
  provenance?: ArtefactManifest['provenance'];
  /** The seed that signs; the release seed by default. */
  seed?: Uint8Array;
}

/** A signed artefact: manifest, signature and bytes, and its offer for a given URL. */
export interface SignedArtefact {
  manifest: ArtefactManifest;
  signature: string;
  bytes: Uint8Array;
  offer(url?: string): ArtefactOffer;
}

/** Builds and signs a manifest for `bytes` with the real contract code. */
export function signedArtefact(bytes: Uint8Array, o: SignedArtefactOptions = {}): SignedArtefact {
  const seed = o.seed ?? RELEASE_SEED;
  const kind = o.kind ?? 'model';
  const manifest: ArtefactManifest = {
    schema: 1,
    kind,
    name: o.name ?? (kind === 'model' ? 'badas-anticipation' : `${kind.replace('_', '-')}-cm-a`),
    version: o.version ?? '1.0.0',
    sha256: sha256Hex(bytes),
    size: bytes.length,
    compatibility: {
      cameraModels: o.cameraModels ?? ['*'],
      ...(o.minFirmware === undefined ? {} : { minFirmware: o.minFirmware }),
    },
    provenance: o.provenance ?? { trainedOn: 'sim fleet' },
    createdAt: '2026-12-01T00:00:00Z',
    keyId: keyIdOf(publicKeyOf(seed)),
  };
  const signature = signManifest(manifest, seed);
  return {
    manifest,
    signature,
    bytes,
    offer: (url = `/v1/artefacts/${kind}/${manifest.version}`) => ({
      kind,
      version: manifest.version,
      sha256: manifest.sha256,
      size: manifest.size,
      url,
      signature,
      manifest,
    }),
  };
}

/**
 * The cloud side as the camera sees it, in memory: one offer per kind (or none → 204) and
 * bytes per URL. It implements the injected `Transport` and `ByteFetch`, records every request,
 * and can be told to fail (`offerStatus`, `networkDown`).
 */
export class ArtefactServer {
  readonly offers: Partial<Record<ArtefactKind, unknown>> = {};
  readonly files = new Map<string, Uint8Array>();
  readonly offerRequests: TransportRequest[] = [];
  readonly downloads: ByteFetchRequest[] = [];
  offerStatus = 200;
  networkDown = false;
  /** When set, the offer routes answer 200 with this body instead (a captive portal's page). */
  rawOfferBody: string | undefined;

  constructor(readonly apiUrl = 'https://api.example.test') {}

  /** Serves `a` as the offer of its kind, its bytes (or `served`, when tampering) at its URL. */
  publish(a: SignedArtefact, opts: { url?: string; served?: Uint8Array; offer?: unknown } = {}): void {
    const offer = a.offer(opts.url);
    this.offers[a.manifest.kind] = opts.offer ?? offer;
    this.files.set(this.absolute(offer.url), opts.served ?? a.bytes);
  }

  readonly transport: Transport = async (req) => {
    this.offerRequests.push(req);
    if (this.networkDown) throw new Error('network unreachable');
    if (this.offerStatus !== 200) return { status: this.offerStatus, headers: {}, body: '' };
    if (this.rawOfferBody !== undefined) return { status: 200, headers: {}, body: this.rawOfferBody };
    const path = req.url.slice(this.apiUrl.length);
    const channel = /^\/v1\/(models|config)\/current\?(.*)$/.exec(path);
    if (!channel) return { status: 404, headers: {}, body: '' };
    const kind =
      channel[1] === 'models'
        ? 'model'
        : (/(?:^|&)kind=([a-z_]+)/.exec(channel[2] ?? '')?.[1] as ArtefactKind | undefined);
    if (!kind || ARTEFACT_CHANNEL[kind] === undefined) return { status: 400, headers: {}, body: '' };
    const offer = this.offers[kind];
    if (offer === undefined) return { status: 204, headers: {}, body: '' };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(offer) };
  };

  readonly fetchBytes: ByteFetch = async (req) => {
    this.downloads.push(req);
    if (this.networkDown) throw new Error('network unreachable');
    const bytes = this.files.get(req.url);
    return bytes ? { status: 200, bytes: bytes.slice() } : { status: 404, bytes: new Uint8Array(0) };
  };

  private absolute(url: string): string {
    return /^https?:\/\//.test(url) ? url : this.apiUrl + url;
  }
}

/** Thrown by {@link PowerCutStorage} when power is gone. */
export class PowerCut extends Error {
  override readonly name = 'PowerCut';
}

/**
 * A storage that loses power after `writesLeft` mutations (set or delete): that write and every
 * operation after it throw, as a dead device does nothing more. With `torn`, the fatal `set`
 * first stores half its value, as a flash page interrupted mid-program might.
 */
export class PowerCutStorage implements KeyValueStorage {
  writes = 0;
  private dead = false;

  constructor(
    private readonly inner: KeyValueStorage,
    private readonly writesLeft: number,
    private readonly torn = false,
  ) {}

  get(key: string): string | undefined {
    if (this.dead) throw new PowerCut('power is off');
    return this.inner.get(key);
  }

  set(key: string, value: string): void {
    this.mutate(() => this.inner.set(key, value.slice(0, Math.floor(value.length / 2))));
    this.inner.set(key, value);
  }

  delete(key: string): void {
    this.mutate(() => {});
    this.inner.delete(key);
  }

  private mutate(tear: () => void): void {
    if (this.dead) throw new PowerCut('power is off');
    if (this.writes >= this.writesLeft) {
      this.dead = true;
      if (this.torn) tear();
      throw new PowerCut('power cut');
    }
    this.writes++;
  }
}

/** A consumer that records what it adopted; refuses when `refuse` says so. */
export function recordingConsumer(refuse: (bytes: Uint8Array) => boolean = () => false): ArtefactConsumer & {
  adopted: { bytes: Uint8Array; manifest: ArtefactManifest }[];
} {
  const adopted: { bytes: Uint8Array; manifest: ArtefactManifest }[] = [];
  return {
    adopted,
    onArtefact(_kind, bytes, manifest) {
      if (refuse(bytes)) throw new Error('consumer cannot use these bytes');
      adopted.push({ bytes, manifest });
    },
  };
}

/** The slot the pointer names in raw flash (`get` reads one key), for tests that damage it. */
export function activeSlotIn(
  get: (key: string) => string | undefined,
  kind: ArtefactKind = 'model',
): SlotName {
  const p = newestPointer([get(`ota/${kind}/active/0`), get(`ota/${kind}/active/1`)]);
  if (!p) throw new Error(`no readable ${kind} pointer`);
  return p.slot;
}
