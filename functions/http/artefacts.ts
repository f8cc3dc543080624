import { z } from 'zod';
import {
  ARTEFACT_CHANNEL,
  ARTEFACT_KINDS,
  ArtefactError,
  type ArtefactKind,
  type ArtefactManifest,
  type ArtefactOffer,
  MAX_ARTEFACT_BYTES,
  MAX_INLINE_ARTEFACT_BYTES,
  parseManifest,
  verifyArtefact,
} from '../../lib/contract/artefact.ts';
import type { TelemetryEvent } from '../../lib/contract/events.ts';
import type { FieldError } from '../../lib/contract/problem.ts';
import type { TelemetryEnvelope } from '../../lib/contract/telemetry.ts';
import { FINAL_STAGE, stagePercent } from '../../lib/ota/cohort.ts';
import { batchStrata, healthIncrements } from '../../lib/ota/healthCounts.ts';
import { chooseVersion } from '../../lib/ota/offer.ts';
import { OtaError } from '../../lib/ota/otaError.ts';
import {
  type Actor,
  type ArtefactLine,
  type ArtefactVersionRecord,
  applyPromote,
  applyPublish,
  applyRollback,
  isSignedRollback,
  versionStatus,
} from '../../lib/ota/registry.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { artefactBlobKey } from '../adapters/artefactBlobStore.ts';
import type { ArtefactHealthStore } from '../adapters/artefactHealthStore.ts';
import type { ArtefactRegistryStore } from '../adapters/artefactRegistryStore.ts';
import { type ArtefactChannelDeps, artefactChannelFromEnv } from '../adapters/artefactReleaseKeys.ts';
import type { AppDeps } from '../runtime/deps.ts';
import { lambdaEntry } from '../runtime/lambdaDeps.ts';
import { evaluateRollout } from '../scheduled/rolloutController.ts';
import { type AuthDeps, authenticateDevice, type Principal, requireOperator } from './auth.ts';
import {
  badRequest,
  HttpError,
  type HttpEvent,
  header,
  httpHandler,
  json,
  jsonBody,
  notFound,
  parseWith,
} from './httpKit.ts';

const MAX_PUBLISH_BODY_BYTES = Math.ceil((MAX_INLINE_ARTEFACT_BYTES * 4) / 3) + 64 * 1024;
/** Download URLs live an hour: a camera on a slow link finishes; a leaked URL soon stops working. */
const URL_TTL_MS = 3_600_000;
/** The problem type of a refused state change (a registry conflict). */
export const CONFLICT_PROBLEM = 'https://dashnet.dev/problems/conflict';

/** What the artefact routes are handed: authorisation, the registry, health counts, audit, clock. */
export type ArtefactDeps = AuthDeps & {
  artefacts: ArtefactRegistryStore;
  artefactHealth: ArtefactHealthStore;
} & Pick<AppDeps, 'audit' | 'clock'>;

const kindSchema = z.enum(ARTEFACT_KINDS);
const publishSchema = z
  .object({
    manifest: z.record(z.string(), z.unknown()),
    signature: z.string().regex(/^[0-9a-f]{128}$/, 'an Ed25519 signature, 128 lowercase hex digits'),
    /** The artefact's bytes, base64 (≤ 4 MiB); omit them to get an upload URL instead. */
    bytes: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .optional(),
    /** `true` once the bytes were PUT to the upload URL: the registry reads them from the store. */
    uploaded: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => !(b.bytes !== undefined && b.uploaded), {
    message: 'bytes or uploaded, not both',
    path: ['uploaded'],
  });
const promoteSchema = z
  .object({
    stage: z.number().int().min(0).max(FINAL_STAGE).optional(),
    reason: z.string().max(400).optional(),
  })
  .strict();
const rollbackSchema = z.object({ reason: z.string().max(400).optional() }).strict();

const origin = (event: HttpEvent) =>
  `${header(event, 'x-forwarded-proto') ?? 'http'}://${header(event, 'host') ?? event.requestContext.domainName}`;

const actorOf = (p: Principal): Actor => ({ role: p.role, id: p.id });

/** Maps the registry's and the manifest's refusals to problem+json naming the field. */
function toHttpError(err: unknown): unknown {
  if (err instanceof OtaError) {
    if (err.code === 'NOT_FOUND') return notFound(err.message);
    const errors: FieldError[] | undefined = err.field
      ? [{ path: err.field, message: err.message }]
      : undefined;
    if (err.code === 'BAD_STAGE') return badRequest(err.message, errors);
    return new HttpError(409, CONFLICT_PROBLEM, 'Conflict', err.message, errors);
  }
  if (err instanceof ArtefactError) {
    const field =
      err.code === 'BAD_MANIFEST'
        ? `/manifest/${(/manifest\.(\S+)/.exec(err.message)?.[1] ?? '').replaceAll('.', '/').replace('(root)', '')}`
        : err.code === 'UNKNOWN_KEY'
          ? '/manifest/keyId'
          : err.code === 'BAD_SIGNATURE'
            ? '/signature'
            : '/bytes';
    return badRequest(`refused: ${err.message}`, [{ path: field.replace(/\/$/, ''), message: err.code }]);
  }
  return err;
}

function lineView(line: ArtefactLine) {
  return {
    kind: line.kind,
    name: line.name,
    current: line.current ?? null,
    candidate: line.candidate ?? null,
    stage: line.stage ?? null,
    stagePercent: line.stage !== undefined ? stagePercent(line.stage) : null,
    latest: line.latest,
    rolledBack: line.rolledBack,
    history: line.history.slice(-10).map((e) => ({ ...e, at: isoOf(e.atMs) })),
  };
}

const pathKind = (event: HttpEvent): ArtefactKind => {
  const k = kindSchema.safeParse(event.pathParameters?.kind);
  if (!k.success) throw notFound(`no artefact kind ${event.pathParameters?.kind}`);
  return k.data;
};

/** Re-reads the line and re-applies `change` when another writer got there first (at most 3 tries). */
async function changeLine(
  deps: ArtefactDeps,
  kind: ArtefactKind,
  name: string,
  change: (line: ArtefactLine | undefined) => ArtefactLine,
): Promise<ArtefactLine> {
  for (let attempt = 0; ; attempt++) {
    const line = await deps.artefacts.line(kind, name);
    const next = change(line);
    try {
      await deps.artefacts.putLine(next, line?.revision ?? 0);
      return next;
    } catch (err) {
      if (!(err instanceof OtaError && err.code === 'CONFLICT') || attempt >= 2) throw err;
    }
  }
}

const tooLarge = (detail: string) =>
  new HttpError(413, 'https://dashnet.dev/problems/payload-too-large', 'Payload too large', detail);

/**
 * Publishes in one call (`bytes` inline, ≤ 4 MiB) or two (≤ 20 MiB): without `bytes` the answer
 * is `202` with an upload URL for exactly this manifest's key; after the PUT, the same body with
 * `uploaded: true` publishes what the store holds. Either way the bytes are verified against the
 * signed manifest before anything is recorded.
 */
async function publish(deps: ArtefactDeps, channel: ArtefactChannelDeps, event: HttpEvent, p: Principal) {
  const body = parseWith(publishSchema, jsonBody(event, MAX_PUBLISH_BODY_BYTES), 'artefact publish');
  const claimed = parseManifest(body.manifest);
  if (claimed.size > MAX_ARTEFACT_BYTES) throw tooLarge(`artefact exceeds ${MAX_ARTEFACT_BYTES} bytes`);
  const blobKey = artefactBlobKey(claimed.kind, claimed.name, claimed.version, claimed.sha256);
  let bytes: Uint8Array | undefined;
  if (body.bytes !== undefined) {
    bytes = new Uint8Array(Buffer.from(body.bytes, 'base64'));
    if (bytes.length > MAX_INLINE_ARTEFACT_BYTES)
      throw tooLarge(
        `inline artefacts are at most ${MAX_INLINE_ARTEFACT_BYTES} bytes; omit bytes to get an upload URL`,
      );
  } else if (body.uploaded) {
    bytes = await channel.blobs.get(blobKey);
    if (!bytes)
      throw badRequest('nothing was uploaded for this manifest', [
        { path: '/uploaded', message: 'no bytes in the store' },
      ]);
  } else {
    // Step one of a large publish: check everything that can be checked without the bytes.
    verifyArtefact(claimed, body.signature, channel.trustedKeys);
    applyPublish(await deps.artefacts.line(claimed.kind, claimed.name), claimed, actorOf(p), deps.clock());
    const expiresAtMs = deps.clock() + URL_TTL_MS;
    return json(202, {
      upload: {
        method: 'PUT',
        url: await channel.blobs.uploadUrlFor(blobKey, expiresAtMs, origin(event)),
        expiresAt: isoOf(expiresAtMs),
        maxBytes: MAX_ARTEFACT_BYTES,
      },
      next: 'PUT the bytes to upload.url, then POST /v1/artefacts again with { manifest, signature, uploaded: true }',
    });
  }
  // Shape first (names the field), then the signature against the stack's trusted release keys
  // and the bytes against the signed size and digest: nothing unsigned is ever recorded.
  const manifest: ArtefactManifest = verifyArtefact(claimed, body.signature, channel.trustedKeys, bytes);
  const nowMs = deps.clock();
  const actor = actorOf(p);
  const existing = await deps.artefacts.line(manifest.kind, manifest.name);
  applyPublish(existing, manifest, actor, nowMs); // refuses before any write
  if (body.bytes !== undefined) await channel.blobs.put(blobKey, bytes);
  const record: ArtefactVersionRecord = {
    kind: manifest.kind,
    name: manifest.name,
    version: manifest.version,
    manifest,
    signature: body.signature,
    blobKey,
    publishedAtMs: nowMs,
    publishedBy: actor,
  };
  await deps.artefacts.putVersion(record);
  const line = await changeLine(deps, manifest.kind, manifest.name, (l) =>
    applyPublish(l, manifest, actor, nowMs),
  );
  await deps.audit.append({
    at: isoOf(nowMs),
    actor,
    action: 'artefact.publish',
    target: `${manifest.kind}/${manifest.name}@${manifest.version}`,
    details: { sha256: manifest.sha256, size: manifest.size, keyId: manifest.keyId },
  });
  return json(201, {
    ...lineView(line),
    version: manifest.version,
    status: versionStatus(line, manifest.version),
  });
}

async function promoteOrRollback(
  deps: ArtefactDeps,
  event: HttpEvent,
  p: Principal,
  what: 'promote' | 'rollback',
) {
  const kind = pathKind(event);
  const name = event.pathParameters?.name ?? '';
  const version = event.pathParameters?.version ?? '';
  const record = await deps.artefacts.version(kind, name, version);
  if (!record) throw notFound(`no ${kind} ${name} ${version}`);
  const raw = event.body ? jsonBody(event, 4096) : {};
  const nowMs = deps.clock();
  const actor = actorOf(p);
  let line: ArtefactLine;
  let reason: string | undefined;
  if (what === 'promote') {
    const body = parseWith(promoteSchema, raw, 'promote');
    reason = body.reason;
    line = await changeLine(deps, kind, name, (l) => {
      if (!l) throw new OtaError('NOT_FOUND', `no line ${kind}/${name}`);
      const rollbackRelease = isSignedRollback(record.manifest, l.current);
      return applyPromote(l, version, actor, nowMs, body.stage, body.reason, rollbackRelease);
    });
  } else {
    const body = parseWith(rollbackSchema, raw, 'rollback');
    reason = body.reason;
    line = await changeLine(deps, kind, name, (l) => {
      if (!l) throw new OtaError('NOT_FOUND', `no line ${kind}/${name}`);
      return applyRollback(l, version, actor, nowMs, body.reason);
    });
  }
  await deps.audit.append({
    at: isoOf(nowMs),
    actor,
    action: `artefact.${what}`,
    target: `${kind}/${name}@${version}`,
    details: {
      automatic: false,
      status: versionStatus(line, version),
      ...(line.stage !== undefined && line.candidate === version
        ? { toStagePercent: stagePercent(line.stage) }
        : {}),
      ...(reason ? { reason } : {}),
    },
  });
  return json(200, { ...lineView(line), version, status: versionStatus(line, version) });
}

async function status(deps: ArtefactDeps, event: HttpEvent) {
  const kind = pathKind(event);
  const name = event.pathParameters?.name ?? '';
  const line = await deps.artefacts.line(kind, name);
  if (!line) throw notFound(`no line ${kind}/${name}`);
  const [versions, decision] = await Promise.all([
    deps.artefacts.versions(kind, name),
    evaluateRollout(deps, line),
  ]);
  return json(
    200,
    {
      ...lineView(line),
      versions: versions.map((v) => ({
        version: v.version,
        status: versionStatus(line, v.version),
        sha256: v.manifest.sha256,
        size: v.manifest.size,
        keyId: v.manifest.keyId,
        compatibility: v.manifest.compatibility,
        provenance: v.manifest.provenance,
        publishedAt: isoOf(v.publishedAtMs),
        publishedBy: v.publishedBy,
      })),
      // What the controller would decide now (it acts on its own schedule).
      decision: decision ?? null,
    },
    { 'cache-control': 'no-store' },
  );
}

/**
 * The operator side of the over-the-air channel, one function (docs/ota.md):
 * - `POST /v1/artefacts`: publish `{ manifest, signature, bytes }` (bytes base64, ≤ 4 MiB), or
 *   without `bytes` for an upload URL and then `{ manifest, signature, uploaded: true }` (≤ 20 MiB);
 *   refused with problem+json naming the field unless signed by a trusted release key and matching the bytes;
 * - `PUT /v1/artefacts/upload` (public, signed URL): local stack only, like downloads;
 * - `GET /v1/artefacts` (`?kind=`): every line's rollout state;
 * - `GET /v1/artefacts/{kind}/{name}`: a line, its versions and the controller's current verdict;
 * - `POST /v1/artefacts/{kind}/{name}/{version}/promote` `{ stage?, reason? }`: start, advance one
 *   stage, or set the stage (0..3 = 1/10/50/100 %);
 * - `POST /v1/artefacts/{kind}/{name}/{version}/rollback` `{ reason? }`: withdraw the candidate;
 * - `GET /v1/artefacts/download` (public, signed URL): local stack only; on AWS URLs point at S3.
 * Every change is audited.
 */
export function createArtefactsHandler(deps: ArtefactDeps, given?: ArtefactChannelDeps) {
  // Resolved on first use: building the handler (the local stack builds every one at start)
  // touches no file and no secret.
  let resolved = given;
  return httpHandler(async (event) => {
    resolved ??= artefactChannelFromEnv();
    const channel = resolved;
    try {
      switch (event.routeKey) {
        case 'GET /v1/artefacts/download': {
          const q = event.queryStringParameters ?? {};
          const store = channel.blobs;
          if (
            !store.verifyUrl ||
            !q.key ||
            !q.sig ||
            !store.verifyUrl(q.key, Number(q.expires), q.sig, deps.clock())
          )
            throw notFound('no such download, or its URL expired');
          const bytes = await store.get(q.key);
          if (!bytes) throw notFound('no such artefact');
          return {
            statusCode: 200,
            headers: { 'content-type': 'application/octet-stream', 'cache-control': 'private, no-store' },
            body: Buffer.from(bytes).toString('base64'),
            isBase64Encoded: true,
          };
        }
        case 'PUT /v1/artefacts/upload': {
          // Local stack only (on AWS the upload URL is an S3 presigned PUT): the signed URL authorises.
          const q = event.queryStringParameters ?? {};
          const store = channel.blobs;
          if (
            !store.verifyUploadUrl ||
            !q.key ||
            !q.sig ||
            !store.verifyUploadUrl(q.key, Number(q.expires), q.sig, deps.clock())
          )
            throw notFound('no such upload, or its URL expired');
          const raw = event.body ?? '';
          const bytes = new Uint8Array(Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'));
          if (bytes.length > MAX_ARTEFACT_BYTES)
            throw tooLarge(`artefact exceeds ${MAX_ARTEFACT_BYTES} bytes`);
          await store.put(q.key, bytes);
          return json(200, { key: q.key, size: bytes.length });
        }
        case 'POST /v1/artefacts':
          return await publish(deps, channel, event, await requireOperator(event, deps));
        case 'GET /v1/artefacts': {
          await requireOperator(event, deps);
          const q = event.queryStringParameters?.kind;
          const kinds = q === undefined ? ARTEFACT_KINDS : [parseWith(kindSchema, q, 'kind')];
          const lines = (await Promise.all(kinds.map((k) => deps.artefacts.lines(k)))).flat();
          return json(200, { lines: lines.map(lineView) }, { 'cache-control': 'no-store' });
        }
        case 'GET /v1/artefacts/{kind}/{name}':
          await requireOperator(event, deps);
          return await status(deps, event);
        case 'POST /v1/artefacts/{kind}/{name}/{version}/promote':
          return await promoteOrRollback(deps, event, await requireOperator(event, deps), 'promote');
        case 'POST /v1/artefacts/{kind}/{name}/{version}/rollback':
          return await promoteOrRollback(deps, event, await requireOperator(event, deps), 'rollback');
        default:
          throw notFound(`no artefact route ${event.routeKey}`);
      }
    } catch (err) {
      throw toHttpError(err);
    }
  });
}

/**
 * The optional camera description of a poll. Unknown parameters are ignored, not refused: a
 * camera on newer firmware may send more, and must still get its artefact.
 */
const pollSchema = z.object({
  kind: kindSchema.optional(),
  name: z.string().max(64).optional(),
  cameraModel: z.string().min(1).max(64).optional(),
  firmware: z.string().min(1).max(64).optional(),
});

/** The offer of `GET /v1/{models,config}/current` (API.md), with the rollout it comes from (a compatible extension). */
export type ArtefactOfferResponse = ArtefactOffer & {
  rollout: { cohort: 'candidate' | 'control'; stagePercent: number };
};

/** The offer for one device and kind, or undefined (204). */
export async function offerFor(
  deps: Pick<ArtefactDeps, 'artefacts' | 'clock'>,
  channel: ArtefactChannelDeps,
  deviceId: string,
  kind: ArtefactKind,
  query: z.infer<typeof pollSchema>,
  baseUrl: string,
): Promise<ArtefactOfferResponse | undefined> {
  const lines = query.name
    ? [await deps.artefacts.line(kind, query.name)].filter((l): l is ArtefactLine => l !== undefined)
    : (await deps.artefacts.lines(kind)).sort((a, b) => a.name.localeCompare(b.name));
  for (const line of lines) {
    const wanted = [line.candidate, line.current].filter((v): v is string => v !== undefined);
    const records = new Map(
      (await Promise.all(wanted.map((v) => deps.artefacts.version(kind, line.name, v))))
        .filter((r): r is ArtefactVersionRecord => r !== undefined)
        .map((r) => [r.version, r]),
    );
    const camera = {
      ...(query.cameraModel ? { cameraModel: query.cameraModel } : {}),
      ...(query.firmware ? { firmware: query.firmware } : {}),
    };
    const choice = chooseVersion(line, deviceId, (v) => records.get(v)?.manifest, camera);
    const record = choice && records.get(choice.version);
    if (!choice || !record) continue;
    return {
      kind,
      version: record.version,
      sha256: record.manifest.sha256,
      size: record.manifest.size,
      url: await channel.blobs.urlFor(record.blobKey, deps.clock() + URL_TTL_MS, baseUrl),
      signature: record.signature,
      manifest: record.manifest,
      rollout: { cohort: choice.cohort, stagePercent: choice.stagePercent ?? 100 },
    };
  }
  return undefined;
}

/**
 * `GET /v1/models/current` and `GET /v1/config/current` (device token): the artefact for the
 * device's cohort, or 204. Models answer kind `model`; config answers `?kind=isp_profile`
 * (default) or `?kind=conflict_priors`. `?name=` picks one line of the kind (a priors tile for an
 * area); without it the first line (by name) with a version compatible with the camera answers.
 * `?cameraModel=&firmware=` (sent by the camera) filter on the manifest's compatibility.
 */
export function createArtefactOfferHandler(
  deps: Pick<ArtefactDeps, keyof AuthDeps | 'artefacts' | 'clock'>,
  given?: ArtefactChannelDeps,
) {
  let resolved = given;
  return httpHandler(async (event) => {
    resolved ??= artefactChannelFromEnv();
    const channel = resolved;
    const { deviceId } = await authenticateDevice(event, deps);
    const query = parseWith(pollSchema, event.queryStringParameters ?? {}, 'query');
    const channelName = event.routeKey === 'GET /v1/models/current' ? 'models' : 'config';
    const kind = query.kind ?? (channelName === 'models' ? 'model' : 'isp_profile');
    if (ARTEFACT_CHANNEL[kind] !== channelName)
      throw badRequest(`kind ${kind} is served on /v1/${ARTEFACT_CHANNEL[kind]}/current`, [
        { path: '/kind', message: `not a ${channelName} kind` },
      ]);
    const offer = await offerFor(deps, channel, deviceId, kind, query, origin(event));
    if (!offer) return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    return json(200, offer, { 'cache-control': 'no-store' });
  });
}

/**
 * Ingest's part of the rollout (wired into `POST /v1/telemetry` after a batch is first
 * accepted): adds the batch's health strata to the versions it reports, for lines under
 * rollout only. The active lines are cached for a minute per container, so outside a rollout
 * a batch costs no read and no write here.
 */
export async function recordArtefactHealth(
  deps: Pick<ArtefactDeps, 'artefacts' | 'artefactHealth'>,
  envelope: Pick<TelemetryEnvelope, 'artefacts' | 'cameraErrors'>,
  valid: readonly TelemetryEvent[],
  nowMs: number,
): Promise<number> {
  if (!envelope.artefacts?.length) return 0;
  const active = await deps.artefacts.activeRollouts(nowMs);
  if (active.length === 0) return 0;
  const increments = healthIncrements(
    envelope.artefacts,
    active,
    batchStrata(valid, envelope.cameraErrors ?? 0),
  );
  if (increments.length > 0) await deps.artefactHealth.add(increments, nowMs);
  return increments.length;
}

export const handler = lambdaEntry((deps) => createArtefactsHandler(deps), 'artefacts');
export const offerHandler = lambdaEntry((deps) => createArtefactOfferHandler(deps), 'artefactOffer');
