/**
 * `dashnet artefact keygen|sign|publish|promote|rollback|status` — the over-the-air channel from
 * the command line (docs/ota.md):
 * - `keygen --out FILE`: a new Ed25519 release seed (mode 0600) and its public key, to keep
 *   offline and to configure as trusted (`-c dashnet:artefactTrustedKeys=<hex>` on AWS);
 * - `sign --file BYTES --kind K --name N --version V [--camera-models a,b] [--min-firmware V]
 *   [--max-firmware V] [--provenance key=value]… [--key SEED | --data-dir D] --out SIGNED.json`:
 *   builds and signs the manifest offline;
 * - `publish --file BYTES (--signed SIGNED.json | --kind … as for sign)`: uploads (inline up to
 *   4 MiB, through an upload URL up to 20 MiB); without `--signed` it signs with `--key`, or the
 *   local stack's release key in the data directory;
 * - `promote --kind K --name N --version V [--stage 0..3 | --percent 1|10|50|100] [--reason R]`;
 * - `rollback --kind K --name N --version V [--reason R]`;
 * - `status [--kind K [--name N]]`.
 * The API is `--api` (or DASHNET_API, default the local stack); the operator token is
 * `--operator-token`, DASHNET_OPERATOR_TOKEN, or the data directory's `operator-token` file.
 * Exit 0 done, 1 refused by the API, 2 bad arguments.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_RELEASE_KEY_FILE, localReleaseSeed } from '../../functions/adapters/artefactReleaseKeys.ts';
import {
  ARTEFACT_KINDS,
  type ArtefactKind,
  type ArtefactManifest,
  fromHex,
  keyIdOf,
  MAX_INLINE_ARTEFACT_BYTES,
  parseManifest,
  publicKeyOf,
  sha256Hex,
  signManifest,
  toHex,
} from '../../lib/contract/artefact.ts';
import { ROLLOUT_STAGES_BUCKETS } from '../../lib/ota/cohort.ts';
import { ENV } from '../../lib/resources.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { ArgsError } from './args.ts';
import { DEFAULT_API } from './coverage.ts';

/** What the command prints and fetches with (injected in tests). */
export interface ArtefactIo {
  log: (line: string) => void;
  fetch?: typeof fetch;
  /** For `createdAt`; defaults to now. */
  now?: () => number;
}

const OPTIONS = {
  out: { type: 'string' },
  file: { type: 'string' },
  signed: { type: 'string' },
  kind: { type: 'string' },
  name: { type: 'string' },
  version: { type: 'string' },
  'camera-models': { type: 'string' },
  'min-firmware': { type: 'string' },
  'max-firmware': { type: 'string' },
  provenance: { type: 'string', multiple: true },
  key: { type: 'string' },
  'data-dir': { type: 'string' },
  stage: { type: 'string' },
  percent: { type: 'string' },
  reason: { type: 'string' },
  api: { type: 'string' },
  'operator-token': { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: readonly string[]) => parseArgs({ args: [...argv], options: OPTIONS, strict: true });

const need = (v: Values, name: keyof Values): string => {
  const value = v[name];
  if (typeof value !== 'string' || value === '') throw new ArgsError(`--${name} is required`);
  return value;
};

const kindOf = (v: Values): ArtefactKind => {
  const kind = need(v, 'kind');
  if (!(ARTEFACT_KINDS as readonly string[]).includes(kind))
    throw new ArgsError(`--kind must be one of ${ARTEFACT_KINDS.join(', ')}`);
  return kind as ArtefactKind;
};

const dataDir = (v: Values) => resolve(v['data-dir'] ?? '.dashnet');

/** The release seed: `--key FILE` (hex), else the local stack's in the data directory. */
function seedOf(v: Values): Uint8Array {
  if (v.key) {
    const hex = readFileSync(v.key, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ArgsError(`${v.key} does not hold a 32-byte hex seed`);
    return fromHex(hex);
  }
  const file = join(dataDir(v), 'artefacts', LOCAL_RELEASE_KEY_FILE);
  if (!existsSync(file))
    throw new ArgsError(
      `no --key and no local release key at ${file} (start the local stack once, or keygen)`,
    );
  return localReleaseSeed(file);
}

/** Builds the manifest of `bytes` from the options, keyed to `seed`. */
export function manifestFromOptions(
  v: Values,
  bytes: Uint8Array,
  seed: Uint8Array,
  nowMs: number,
): ArtefactManifest {
  const provenance: Record<string, string | number | boolean> = {};
  for (const p of v.provenance ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ArgsError(`--provenance takes key=value, got '${p}'`);
    const raw = p.slice(i + 1);
    provenance[p.slice(0, i)] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : Number.isFinite(Number(raw)) && raw.trim() !== ''
            ? Number(raw)
            : raw;
  }
  const manifest = {
    schema: 1 as const,
    kind: kindOf(v),
    name: need(v, 'name'),
    version: need(v, 'version'),
    sha256: sha256Hex(bytes),
    size: bytes.length,
    compatibility: {
      cameraModels: (v['camera-models'] ?? '*')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...(v['min-firmware'] ? { minFirmware: v['min-firmware'] } : {}),
      ...(v['max-firmware'] ? { maxFirmware: v['max-firmware'] } : {}),
    },
    provenance,
    createdAt: isoOf(nowMs),
    keyId: keyIdOf(publicKeyOf(seed)),
  };
  try {
    return parseManifest(manifest);
  } catch (err) {
    throw new ArgsError((err as Error).message);
  }
}

function operatorToken(v: Values): string {
  const direct = v['operator-token'] ?? process.env[ENV.operatorToken];
  if (direct) return direct;
  const file = join(dataDir(v), 'operator-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new ArgsError(`--operator-token, ${ENV.operatorToken} or ${file} is required`);
}

async function call(
  v: Values,
  io: ArtefactIo,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const api = v.api ?? process.env.DASHNET_API ?? DEFAULT_API;
  const res = await (io.fetch ?? fetch)(new URL(path, api), {
    method,
    headers: {
      authorization: `Bearer ${operatorToken(v)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function report(io: ArtefactIo, res: { status: number; body: Record<string, unknown> }, ok: number): number {
  if (res.status !== ok) {
    const errors = (res.body.errors as { path: string; message: string }[] | undefined) ?? [];
    io.log(
      `refused: HTTP ${res.status} ${String(res.body.detail ?? '')}${errors.map((e) => ` [${e.path}: ${e.message}]`).join('')}`,
    );
    return 1;
  }
  io.log(JSON.stringify(res.body, null, 2));
  return 0;
}

const linePath = (v: Values) => `/v1/artefacts/${kindOf(v)}/${encodeURIComponent(need(v, 'name'))}`;

/** Runs `dashnet artefact …`; returns the exit status. */
export async function artefactCommand(
  argv: readonly string[],
  io: ArtefactIo = { log: (l) => console.log(l) },
): Promise<number> {
  const [sub, ...rest] = argv;
  const now = io.now ?? Date.now;
  try {
    const { values: v } = parse(rest);
    switch (sub) {
      case 'keygen': {
        const out = need(v, 'out');
        if (existsSync(out)) throw new ArgsError(`${out} exists; refusing to overwrite a release key`);
        const seed = localReleaseSeed(out);
        const pub = publicKeyOf(seed);
        io.log(JSON.stringify({ publicKey: toHex(pub), keyId: keyIdOf(pub), seedFile: out }));
        return 0;
      }
      case 'sign': {
        const bytes = new Uint8Array(readFileSync(need(v, 'file')));
        const seed = seedOf(v);
        const manifest = manifestFromOptions(v, bytes, seed, now());
        const signed = { manifest, signature: signManifest(manifest, seed) };
        writeFileSync(need(v, 'out'), `${JSON.stringify(signed, null, 2)}\n`);
        io.log(
          `signed ${manifest.kind}/${manifest.name}@${manifest.version} (${manifest.size} bytes, key ${manifest.keyId})`,
        );
        return 0;
      }
      case 'publish': {
        const bytes = new Uint8Array(readFileSync(need(v, 'file')));
        let signed: { manifest: unknown; signature: string };
        if (v.signed) signed = JSON.parse(readFileSync(v.signed, 'utf8')) as typeof signed;
        else {
          const seed = seedOf(v);
          const manifest = manifestFromOptions(v, bytes, seed, now());
          signed = { manifest, signature: signManifest(manifest, seed) };
        }
        if (bytes.length <= MAX_INLINE_ARTEFACT_BYTES) {
          const body = { ...signed, bytes: Buffer.from(bytes).toString('base64') };
          return report(io, await call(v, io, 'POST', '/v1/artefacts', body), 201);
        }
        // Too large for a request body: an upload URL for exactly this manifest, then publish.
        const step1 = await call(v, io, 'POST', '/v1/artefacts', signed);
        if (step1.status !== 202) return report(io, step1, 202);
        const upload = step1.body.upload as { url: string };
        const put = await (io.fetch ?? fetch)(upload.url, { method: 'PUT', body: bytes });
        if (put.status !== 200) {
          io.log(`refused: upload HTTP ${put.status}`);
          return 1;
        }
        return report(io, await call(v, io, 'POST', '/v1/artefacts', { ...signed, uploaded: true }), 201);
      }
      case 'promote': {
        if (v.stage !== undefined && v.percent !== undefined)
          throw new ArgsError('--stage or --percent, not both');
        let stage: number | undefined;
        if (v.stage !== undefined) stage = Number(v.stage);
        if (v.percent !== undefined) {
          stage = ROLLOUT_STAGES_BUCKETS.findIndex((b) => b / 100 === Number(v.percent));
          if (stage < 0)
            throw new ArgsError(
              `--percent must be one of ${ROLLOUT_STAGES_BUCKETS.map((b) => b / 100).join(', ')}`,
            );
        }
        const body = { ...(stage !== undefined ? { stage } : {}), ...(v.reason ? { reason: v.reason } : {}) };
        const path = `${linePath(v)}/${encodeURIComponent(need(v, 'version'))}/promote`;
        return report(io, await call(v, io, 'POST', path, body), 200);
      }
      case 'rollback': {
        const path = `${linePath(v)}/${encodeURIComponent(need(v, 'version'))}/rollback`;
        return report(io, await call(v, io, 'POST', path, v.reason ? { reason: v.reason } : {}), 200);
      }
      case 'status': {
        const path = v.name ? linePath(v) : `/v1/artefacts${v.kind ? `?kind=${kindOf(v)}` : ''}`;
        return report(io, await call(v, io, 'GET', path), 200);
      }
      default:
        throw new ArgsError('usage: dashnet artefact keygen|sign|publish|promote|rollback|status [options]');
    }
  } catch (err) {
    if (err instanceof ArgsError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.log((err as Error).message);
      return 2;
    }
    throw err;
  }
}
