import {
  ARTEFACT_CHANNEL,
  type ArtefactKind,
  type ArtefactManifest,
  type ArtefactOffer,
  compareVersions,
} from '../../lib/contract/artefact.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Random } from '../core/random.ts';
import type { KeyValueStorage } from '../core/storage.ts';
import type { Transport } from '../core/transport.ts';
import { type CameraIdentity, checkArtefact } from './artefactCheck.ts';
import type { ArtefactConsumer } from './artefactConsumer.ts';
import { ArtefactSlots } from './artefactSlots.ts';
import type { ByteFetch } from './byteFetch.ts';
import { OtaError, type OtaErrorCode } from './otaError.ts';

/** Settings of {@link OtaUpdater}. */
export interface OtaUpdaterConfig extends CameraIdentity {
  /** Base URL of the API, e.g. `http://127.0.0.1:8787`. */
  apiUrl: string;
  /** Device token: sent to the API only, never to a storage host that serves the bytes. */
  deviceToken: string;
  /** A poll per kind about this often… */
  pollIntervalMs: number;
  /** …spread by ± this share of it, so a fleet booted together does not poll together. */
  pollJitterShare: number;
  /** The first poll after boot comes at a uniformly random moment within this. */
  firstPollMaxDelayMs: number;
  /** After a failed poll or download the next waits up to this long… */
  baseBackoffMs: number;
  /** …doubling per failure up to this cap, with full jitter. */
  maxBackoffMs: number;
  /** Largest artefact accepted per kind, bytes: flash for two slots in base64 must fit. */
  maxBytes: Readonly<Record<ArtefactKind, number>>;
  /** Base64 characters per flash value (see `ArtefactSlotsOptions.chunkChars`). */
  chunkChars?: number;
  /**
   * The line (manifest `name`) to ask for per kind, sent as `?name=`: e.g. the prior tile of the
   * area the camera drives in. Absent: the API's first compatible line of the kind.
   */
  lines?: Partial<Record<ArtefactKind, string>>;
}

/**
 * Defaults: a poll per kind every 6 h ± 20 %, the first within 10 min of boot; failures back off
 * from 1 min to 6 h. Artefacts change at the pace of a staged rollout (days), and every poll is
 * cellular data on someone's plan.
 */
export const DEFAULT_OTA_UPDATER: Omit<
  OtaUpdaterConfig,
  'apiUrl' | 'deviceToken' | 'cameraModel' | 'firmware'
> = {
  pollIntervalMs: 6 * 3_600_000,
  pollJitterShare: 0.2,
  firstPollMaxDelayMs: 600_000,
  baseBackoffMs: 60_000,
  maxBackoffMs: 6 * 3_600_000,
  maxBytes: { model: 4 * 1024 * 1024, isp_profile: 256 * 1024, conflict_priors: 1024 * 1024 },
};

/** What {@link OtaUpdater} needs from the platform, plus the trust anchor and the consumers. */
export interface OtaUpdaterDeps {
  clock: Clock;
  random: Random;
  storage: KeyValueStorage;
  logger: Logger;
  /** Fetches the offers (JSON). */
  transport: Transport;
  /** Fetches the artefact bytes. */
  fetchBytes: ByteFetch;
  /**
   * The pinned release public keys (raw 32-byte Ed25519), from the firmware image — never from
   * the network: whoever could change them could sign anything.
   */
  releaseKeys: readonly Uint8Array[];
  /** One consumer per kind the camera uses; only those kinds are polled. */
  consumers: Partial<Record<ArtefactKind, ArtefactConsumer>>;
}

/** What one check of one kind ended in. */
export type OtaOutcome =
  /** The API has nothing for this camera (204). */
  | { kind: ArtefactKind; status: 'none' }
  /** The offer is the version already running. */
  | { kind: ArtefactKind; status: 'current'; version: string }
  /** Verified, written, read back, adopted, pointer flipped. */
  | { kind: ArtefactKind; status: 'installed'; version: string; replaced?: string }
  /** Refused (signature, compatibility, downgrade, consumer…); a verified manifest's refusal is not fetched again. */
  | { kind: ArtefactKind; status: 'refused'; code: OtaErrorCode; version?: string }
  /** An offer refused earlier came again; skipped without a download. */
  | { kind: ArtefactKind; status: 'skipped'; version: string }
  /** Could not fetch or verify the bytes this time (network, truncation); backing off. */
  | { kind: ArtefactKind; status: 'failed'; code: OtaErrorCode }
  /** Another check was running; nothing done, schedule unchanged. */
  | { kind: ArtefactKind; status: 'busy' };

/** What {@link OtaUpdater.boot} found for one kind. */
export interface OtaBootReport {
  kind: ArtefactKind;
  /** The version now serving; absent when no verified artefact was stored. */
  version?: string;
  /** The active slot failed re-verification and the last good one serves instead. */
  fellBack: boolean;
}

interface KindState {
  slots: ArtefactSlots;
  /** The line asked for (`?name=`), if any. */
  line: string | undefined;
  consumer: ArtefactConsumer;
  nextPollAtMs: number;
  failuresInRow: number;
  /** Signatures of offers refused for good, so a poisoned offer is not re-fetched each poll. */
  refused: Set<string>;
}

/** Refused offers remembered per kind; beyond this the memory starts over (a reboot clears it too). */
const MAX_REMEMBERED_REFUSALS = 32;

/**
 * Refusals remembered by signature: only those decided on a manifest whose signature verified
 * (so the signature names exactly that manifest). An edited manifest carrying a genuine
 * signature (`UNTRUSTED`) or a genuine one in a doctored envelope (`BAD_OFFER`) is refused but not
 * remembered — else whoever could alter one answer would block the genuine release until reboot.
 */
const REMEMBERED: ReadonlySet<OtaErrorCode> = new Set<OtaErrorCode>([
  'WRONG_KIND',
  'INCOMPATIBLE',
  'TOO_LARGE',
  'DOWNGRADE',
  'CONSUMER_REFUSED',
]);

/**
 * The camera side of over-the-air updates. The host builds one, calls {@link boot} once before
 * building its pipeline (which re-verifies what flash holds and hands it to the consumers), then
 * calls {@link tick} now and then (every few seconds is fine; it does nothing until a poll is due).
 *
 * A poll asks `GET /v1/models/current` or `GET /v1/config/current?kind=…` for this camera's
 * offer and, before spending a byte of download, checks the manifest's Ed25519 signature against
 * the pinned release keys, its kind, compatibility, size and the anti-rollback floor. Then it
 * downloads, verifies size and SHA-256, and swaps through {@link ArtefactSlots} (A/B slots, read
 * back, pointer written last). Nothing unverified reaches a consumer, and a power cut at any
 * storage write leaves the old or the new artefact active.
 *
 * Anti-rollback: a version below the last good one (the version the current one replaced, kept
 * in the other slot) is refused — whoever controls the offer could otherwise replay an old,
 * validly signed model with a known weakness. Returning to the last good version passes, because
 * that is what a staged rollout's automatic rollback asks of its candidate cohort. A deeper
 * rollback the operators mean is signed as such: `provenance.rollback: true` and
 * `provenance.replaces` naming the version the camera runs now, so it cannot be replayed against
 * a camera that has moved on.
 *
 * @example
 * const badas = badasModelConsumer((m) => rebuildPipeline(m.scorer));
 * const ota = new OtaUpdater({ ...platform, transport, fetchBytes, releaseKeys, consumers: { model: badas } },
 *   { ...DEFAULT_OTA_UPDATER, apiUrl, deviceToken, cameraModel: 'cm-a', firmware: '2.1.0' });
 * ota.boot();
 * // every few seconds:
 * await ota.tick();
 */
export class OtaUpdater {
  private readonly kinds = new Map<ArtefactKind, KindState>();
  private busy = false;
  private booted = false;

  constructor(
    private readonly deps: OtaUpdaterDeps,
    private readonly config: OtaUpdaterConfig,
  ) {
    const startMs = deps.clock.nowMs();
    for (const [kind, consumer] of Object.entries(deps.consumers) as [ArtefactKind, ArtefactConsumer][]) {
      if (!consumer) continue;
      const slots = new ArtefactSlots(deps.storage, {
        kind,
        releaseKeys: deps.releaseKeys,
        camera: { cameraModel: config.cameraModel, firmware: config.firmware },
        logger: deps.logger,
        ...(config.chunkChars === undefined ? {} : { chunkChars: config.chunkChars }),
      });
      this.kinds.set(kind, {
        slots,
        line: config.lines?.[kind],
        consumer,
        nextPollAtMs: startMs + Math.floor(deps.random.next() * config.firstPollMaxDelayMs),
        failuresInRow: 0,
        refused: new Set(),
      });
    }
  }

  /**
   * Re-verifies each kind's active slot (falling back to the other slot) and hands the
   * verified bytes to the consumer. Call once at start-up, before the pipeline is built; the
   * first poll boots by itself if the host did not, because the anti-rollback floors and the
   * serving slot are read from flash here.
   */
  boot(): OtaBootReport[] {
    this.booted = true;
    const reports: OtaBootReport[] = [];
    for (const [kind, s] of this.kinds) {
      const loaded = s.slots.load((a) => s.consumer.onArtefact(kind, a.bytes, a.manifest));
      reports.push(
        loaded
          ? { kind, version: loaded.artefact.manifest.version, fellBack: loaded.fellBack }
          : { kind, fellBack: false },
      );
    }
    return reports;
  }

  /** The manifest serving now for `kind`. */
  active(kind: ArtefactKind): ArtefactManifest | undefined {
    return this.kinds.get(kind)?.slots.active();
  }

  /**
   * The artefacts serving now, one per kind, in the shape of the telemetry envelope's optional
   * `artefacts` (lib/contract/telemetry.ts): the uplink attaches them to each batch so the
   * staged rollout can compare the candidate cohort with the control.
   */
  running(): { kind: ArtefactKind; name: string; version: string }[] {
    const out: { kind: ArtefactKind; name: string; version: string }[] = [];
    for (const [kind, s] of this.kinds) {
      const m = s.slots.active();
      if (m) out.push({ kind, name: m.name, version: m.version });
    }
    return out;
  }

  /** When `kind` is next polled (ms since the epoch); undefined for a kind without consumer. */
  nextPollAtMs(kind: ArtefactKind): number | undefined {
    return this.kinds.get(kind)?.nextPollAtMs;
  }

  /**
   * Asks for another line of `kind` from now on (the prior tile of a new area) and makes its
   * poll due at once. Anti-rollback floors are kept per line, so coming back to an area never
   * accepts an older tile than the one run there before.
   */
  setLine(kind: ArtefactKind, name: string | undefined): void {
    const s = this.kinds.get(kind);
    if (!s || s.line === name) return;
    s.line = name;
    s.nextPollAtMs = this.deps.clock.nowMs();
  }

  /** Polls every kind that is due. Never throws; returns what each poll did (empty when none was due). */
  async tick(): Promise<OtaOutcome[]> {
    if (this.busy) return [];
    const due = [...this.kinds].filter(([, s]) => this.deps.clock.nowMs() >= s.nextPollAtMs);
    const out: OtaOutcome[] = [];
    for (const [kind] of due) out.push(await this.checkNow(kind));
    return out;
  }

  /**
   * Polls `kind` now, whatever the schedule (a host's "check for updates" button), and
   * schedules the next poll. Never throws.
   */
  async checkNow(kind: ArtefactKind): Promise<OtaOutcome> {
    const s = this.kinds.get(kind);
    if (!s) return { kind, status: 'refused', code: 'WRONG_KIND' };
    if (this.busy) return { kind, status: 'busy' };
    if (!this.booted) this.boot();
    this.busy = true;
    try {
      const outcome = await this.check(kind, s);
      this.schedule(s, outcome.status === 'failed');
      return outcome;
    } finally {
      this.busy = false;
    }
  }

  private async check(kind: ArtefactKind, s: KindState): Promise<OtaOutcome> {
    let offer: ArtefactOffer | undefined;
    try {
      offer = await this.fetchOffer(kind, s.line);
      if (!offer) return { kind, status: 'none' };
      if (s.refused.has(offer.signature)) return { kind, status: 'skipped', version: offer.version };
      const outcome = await this.verifyAndInstall(kind, s, offer);
      // What was refused against the old state (a floor, a consumer) deserves a new look.
      if (outcome.status === 'installed') s.refused.clear();
      return outcome;
    } catch (err) {
      const e =
        err instanceof OtaError ? err : new OtaError('DOWNLOAD_FAILED', (err as Error).message ?? 'error');
      this.deps.logger.warn('ota check failed', { kind, code: e.code, reason: e.message });
      if (e.retryable) return { kind, status: 'failed', code: e.code };
      if (offer && REMEMBERED.has(e.code)) {
        if (s.refused.size >= MAX_REMEMBERED_REFUSALS) s.refused.clear();
        s.refused.add(offer.signature);
      }
      return { kind, status: 'refused', code: e.code, ...(offer ? { version: offer.version } : {}) };
    }
  }

  private async verifyAndInstall(
    kind: ArtefactKind,
    s: KindState,
    offer: ArtefactOffer,
  ): Promise<OtaOutcome> {
    const expected = {
      kind,
      releaseKeys: this.deps.releaseKeys,
      camera: { cameraModel: this.config.cameraModel, firmware: this.config.firmware },
    };
    // Everything about the manifest is checked before the download: a forged or foreign offer
    // costs one small JSON, not megabytes of cellular data.
    const manifest = checkArtefact(offer.manifest, offer.signature, expected);
    if (s.line !== undefined && manifest.name !== s.line)
      throw new OtaError('BAD_OFFER', `asked for line ${s.line}, offered ${manifest.name}`);
    const maxBytes = this.config.maxBytes[kind];
    if (manifest.size > maxBytes)
      throw new OtaError(
        'TOO_LARGE',
        `${kind} ${manifest.version} is ${manifest.size} bytes, limit ${maxBytes}`,
      );
    const active = s.slots.active();
    // Versions compare within a line only (a renamed model, the prior tile of another area).
    const current = active?.name === manifest.name ? active : undefined;
    if (current && compareVersions(manifest.version, current.version) === 0) {
      if (current.sha256 !== manifest.sha256)
        this.deps.logger.warn('ota offer reuses the running version with other bytes; ignored', { kind });
      return { kind, status: 'current', version: current.version };
    }
    const floor = this.nextFloor(manifest, current, s.slots.floorVersion(manifest.name));

    const res = await this.deps.fetchBytes({
      url: this.resolve(offer.url),
      headers: this.downloadHeaders(offer.url),
      maxBytes: manifest.size,
    });
    if (res.status !== 200) throw new OtaError('DOWNLOAD_FAILED', `artefact download answered ${res.status}`);
    checkArtefact(manifest, offer.signature, expected, res.bytes);

    const stored = s.slots.install({ manifest, signature: offer.signature }, res.bytes, floor, (a) =>
      s.consumer.onArtefact(kind, a.bytes, a.manifest),
    );
    this.deps.logger.info('ota artefact installed', {
      kind,
      version: stored.manifest.version,
      slot: stored.slot,
    });
    return {
      kind,
      status: 'installed',
      version: stored.manifest.version,
      ...(active ? { replaced: active.version } : {}),
    };
  }

  /**
   * The anti-rollback floor after installing `m`, or a `DOWNGRADE` refusal.
   *
   * The floor is the *last good* version: the one kept in the other slot, which the camera ran
   * before the current one. An upgrade moves the floor to the version it replaces, not to itself,
   * because the new version is still a candidate: a staged rollout that rolls back sends its
   * cohort back to the previous version (lib/ota/registry.ts `applyRollback`), and that return
   * must pass. Anything below the floor passes only as a signed rollback naming the running
   * version, and it lowers the floor to itself (else the fleet could never take the fix that
   * follows a rollback at a lower number). So whoever controls the offer can move a camera back
   * at most to the release it ran last, never to an older, superseded one.
   */
  private nextFloor(
    m: ArtefactManifest,
    current: ArtefactManifest | undefined,
    floor: string | undefined,
  ): string {
    if (floor === undefined) return m.version;
    if (compareVersions(m.version, floor) >= 0) {
      const upgrade = current !== undefined && compareVersions(m.version, current.version) > 0;
      if (!upgrade) return m.version;
      return compareVersions(current.version, floor) > 0 ? current.version : floor;
    }
    const p = m.provenance;
    if (p.rollback === true && current !== undefined && p.replaces === current.version) return m.version;
    throw new OtaError(
      'DOWNGRADE',
      `${m.kind} ${m.version} is below the last good ${floor} and is not a signed rollback of ${current?.version ?? 'it'}`,
    );
  }

  private async fetchOffer(kind: ArtefactKind, line: string | undefined): Promise<ArtefactOffer | undefined> {
    const q = [
      ...(ARTEFACT_CHANNEL[kind] === 'config' ? [`kind=${encodeURIComponent(kind)}`] : []),
      ...(line === undefined ? [] : [`name=${encodeURIComponent(line)}`]),
      `cameraModel=${encodeURIComponent(this.config.cameraModel)}`,
      `firmware=${encodeURIComponent(this.config.firmware)}`,
    ].join('&');
    const res = await this.deps.transport({
      method: 'GET',
      url: `${this.base()}/v1/${ARTEFACT_CHANNEL[kind]}/current?${q}`,
      headers: { authorization: `Bearer ${this.config.deviceToken}`, accept: 'application/json' },
      body: '',
    });
    if (res.status === 204) return undefined;
    if (res.status !== 200) throw new OtaError('DOWNLOAD_FAILED', `offer request answered ${res.status}`);
    let value: unknown;
    try {
      value = JSON.parse(res.body);
    } catch {
      // A captive portal or a proxy error page: the network's fault, try again later.
      throw new OtaError('DOWNLOAD_FAILED', 'offer is not JSON');
    }
    return parseOffer(value, kind);
  }

  private base(): string {
    return this.config.apiUrl.replace(/\/+$/, '');
  }

  /** An offer's `url`, absolute or relative to the API base (API.md). */
  private resolve(url: string): string {
    if (/^https?:\/\//i.test(url)) return url;
    return url.startsWith('/') ? this.base() + url : `${this.base()}/${url}`;
  }

  /**
   * The device token goes only to the API itself. Bytes served from a bucket (a presigned URL)
   * must not receive it: whoever runs or intercepts that host could replay it as the device.
   */
  private downloadHeaders(url: string): Record<string, string> {
    const abs = this.resolve(url);
    return abs.startsWith(`${this.base()}/`) ? { authorization: `Bearer ${this.config.deviceToken}` } : {};
  }

  private schedule(s: KindState, failed: boolean): void {
    const nowMs = this.deps.clock.nowMs();
    const r = this.deps.random.next();
    if (failed) {
      s.failuresInRow++;
      const capMs = Math.min(
        this.config.maxBackoffMs,
        this.config.baseBackoffMs * 2 ** Math.min(s.failuresInRow - 1, 30),
      );
      // Full jitter (AWS "Exponential Backoff And Jitter"): a fleet back from one outage spreads out.
      s.nextPollAtMs = nowMs + Math.floor(r * capMs);
      return;
    }
    s.failuresInRow = 0;
    const share = this.config.pollJitterShare;
    s.nextPollAtMs = nowMs + Math.floor(this.config.pollIntervalMs * (1 - share + 2 * share * r));
  }
}

/**
 * Validates an offer's shape and that its unsigned fields agree with the signed manifest; the
 * camera then trusts only the manifest (the signature covers it, not the envelope).
 *
 * @throws OtaError `BAD_OFFER`
 */
export function parseOffer(value: unknown, kind: ArtefactKind): ArtefactOffer {
  const o = value as Partial<ArtefactOffer> | null;
  const bad = (why: string) => new OtaError('BAD_OFFER', `offer ${why}`);
  if (!o || typeof o !== 'object') throw bad('is not an object');
  if (typeof o.signature !== 'string' || typeof o.url !== 'string' || o.url === '')
    throw bad('lacks a signature or url');
  const m = o.manifest as Partial<ArtefactManifest> | undefined;
  if (!m || typeof m !== 'object') throw bad('lacks a manifest');
  if (o.kind !== kind) throw bad(`kind ${String(o.kind)} on the ${kind} channel`);
  if (o.version !== m.version || o.sha256 !== m.sha256 || o.size !== m.size || o.kind !== m.kind)
    throw bad('fields disagree with its manifest');
  return o as ArtefactOffer;
}
