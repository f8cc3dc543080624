import { getPublicKeyAsync, signAsync, verifyAsync } from '@noble/ed25519';
import { isoOf } from '../time/isoTime.ts';
import { canonicalJson } from '../util/canonicalJson.ts';
import { type ExportFormat, encodeTable } from './exportFormats.ts';
import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_VERSION,
  type ExportTable,
  type ExportTableName,
} from './exportTables.ts';

/**
 * The manifest of an insurer export: what each file holds, its row count and SHA-256, signed
 * with Ed25519 so an insurer can prove a file came from dashnet unaltered (the public key is
 * published at `GET /v1/insights/exports/public-key`). Pure: hashing and signing use Web Crypto
 * through @noble/ed25519, the seed is handed in.
 */

/** Error family of exports. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: 'BAD_SIGNATURE' | 'BAD_DIGEST' | 'BAD_SCHEMA' | 'BAD_PERIOD',
    message: string,
  ) {
    super(message);
  }
}

/** The period an export covers: whole UTC days, `to` exclusive. */
export interface ExportPeriod {
  kind: 'day' | 'month' | 'custom';
  from: string;
  to: string;
}

/** One file of an export. */
export interface ExportFileEntry {
  name: string;
  table: ExportTableName;
  format: ExportFormat;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The signed manifest. */
export interface ExportManifest {
  schemaVersion: number;
  insurerId: string;
  period: ExportPeriod;
  generatedAt: string;
  k: number;
  method: { kAnonymity: string; rates: string; coverage: string };
  roadNetwork: { source: string; attribution: string };
  files: ExportFileEntry[];
  /** Ed25519 public key, hex. */
  publicKey: string;
  /** Ed25519 signature over {@link canonicalJson} of the manifest without this field, hex. */
  signature: string;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

/** SHA-256 of bytes, hex (Web Crypto: global in Node 20 and Lambda). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** The public key (hex) of a 32-byte Ed25519 seed. */
export async function publicKeyHex(seed: Uint8Array): Promise<string> {
  return hex(await getPublicKeyAsync(seed));
}

const METHOD: ExportManifest['method'] = {
  kAnonymity:
    'a (cell, UTC day) enters a figure only when at least k distinct cameras drove it that day; a (cell, hour) of the speeds only with at least k cameras that hour',
  rates:
    'events per 100 km of exposure; 95 % Poisson interval (Byar approximation, exact upper bound at 0 events)',
  coverage: 'road km of the OpenStreetMap network in cells meeting k / road km of the network in the region',
};

/** A built export: the files' bytes and their signed manifest. */
export interface BuiltExport {
  files: { name: string; bytes: Uint8Array }[];
  manifest: ExportManifest;
}

/** Encodes the tables, hashes every file and signs the manifest. */
export async function buildSignedExport(opts: {
  tables: readonly ExportTable[];
  format: ExportFormat;
  insurerId: string;
  period: ExportPeriod;
  generatedAtMs: number;
  k: number;
  roadNetwork: { source: string; attribution: string };
  seed: Uint8Array;
}): Promise<BuiltExport> {
  const files: BuiltExport['files'] = [];
  const entries: ExportFileEntry[] = [];
  for (const table of opts.tables) {
    const name = `${table.name}.${opts.format}`;
    const bytes = encodeTable(table, opts.format, {
      'dashnet.schema_version': String(EXPORT_SCHEMA_VERSION),
      'dashnet.table': table.name,
      'dashnet.road_network_attribution': opts.roadNetwork.attribution,
    });
    files.push({ name, bytes });
    entries.push({
      name,
      table: table.name,
      format: opts.format,
      rows: table.rows.length,
      bytes: bytes.length,
      sha256: await sha256Hex(bytes),
    });
  }
  const unsigned = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    insurerId: opts.insurerId,
    period: opts.period,
    generatedAt: isoOf(opts.generatedAtMs),
    k: opts.k,
    method: METHOD,
    roadNetwork: opts.roadNetwork,
    files: entries,
    publicKey: await publicKeyHex(opts.seed),
  };
  const signature = hex(await signAsync(new TextEncoder().encode(canonicalJson(unsigned)), opts.seed));
  return { files, manifest: { ...unsigned, signature } };
}

/**
 * Checks a manifest's signature against a trusted public key (hex; by default the one the
 * manifest names — pass the published key to also prove who signed). Throws `BAD_SIGNATURE`.
 */
export async function verifyManifest(
  manifest: ExportManifest,
  trustedPublicKey = manifest.publicKey,
): Promise<void> {
  const { signature, ...unsigned } = manifest;
  const ok =
    manifest.publicKey === trustedPublicKey &&
    (await verifyAsync(
      unhex(signature),
      new TextEncoder().encode(canonicalJson(unsigned)),
      unhex(trustedPublicKey),
    ));
  if (!ok) throw new ExportError('BAD_SIGNATURE', 'manifest signature does not verify');
}

/** Checks a file against its manifest entry (size and SHA-256). Throws `BAD_DIGEST`. */
export async function verifyFile(entry: ExportFileEntry, bytes: Uint8Array): Promise<void> {
  if (bytes.length !== entry.bytes || (await sha256Hex(bytes)) !== entry.sha256) {
    throw new ExportError('BAD_DIGEST', `${entry.name}: size or sha256 differs from the manifest`);
  }
}

/** Checks a CSV file's header against the documented schema of its table. Throws `BAD_SCHEMA`. */
export function verifyCsvHeader(entry: ExportFileEntry, bytes: Uint8Array): void {
  const header = new TextDecoder().decode(bytes).split('\r\n', 1)[0] ?? '';
  const expected = EXPORT_SCHEMA[entry.table].map((c) => c.name).join(',');
  if (header !== expected)
    throw new ExportError(
      'BAD_SCHEMA',
      `${entry.name}: header differs from schema v${EXPORT_SCHEMA_VERSION}`,
    );
}
