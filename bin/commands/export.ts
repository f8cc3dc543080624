/**
 * `dashnet export --insurer ID --from T --to T --format csv|parquet --out DIR [--api URL]
 * [--operator-token T | --api-key K]` — an insurer's k-anonymous aggregate export on demand:
 * the stack builds it with the same code as the schedule (`POST /v1/insights/exports`), then the
 * files are downloaded through their signed URLs, checked against the manifest (size, SHA-256)
 * and the manifest against the published Ed25519 key, and written to DIR with `schema.json`.
 * Progress goes to stderr. Exit 0 written and verified, 1 verification failed, 2 bad arguments
 * or no answer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../lib/insights/exportFormats.ts';
import {
  ExportError,
  type ExportManifest,
  verifyFile,
  verifyManifest,
} from '../../lib/insights/exportManifest.ts';
import { EXPORT_SCHEMA, EXPORT_SCHEMA_VERSION } from '../../lib/insights/exportTables.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { ArgsError, parseOptions } from './args.ts';
import { credentialHeaders, DEFAULT_API, timeOption } from './coverage.ts';

/** A one-line progress bar, e.g. `[#####     ] 50 % files 2/4`. */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${' '.repeat(width - n)}] ${String(Math.round(f * 100)).padStart(3)} % ${label}`;
}

/** Runs `dashnet export`; returns the exit status. */
export async function exportCommand(
  argv: readonly string[],
  io: { log: (line: string) => void; progress?: (line: string) => void; fetch?: typeof fetch } = {
    log: (l) => console.log(l),
    progress: (l) => process.stderr.isTTY && process.stderr.write(`\r${l}`),
  },
): Promise<number> {
  const doFetch = io.fetch ?? fetch;
  try {
    const opts = parseOptions(argv, [
      'insurer',
      'from',
      'to',
      'format',
      'out',
      'api',
      'operator-token',
      'api-key',
    ]);
    const usage = 'usage: dashnet export --insurer ID --from T --to T --format csv|parquet --out DIR';
    const insurerId = opts.get('insurer')?.at(-1);
    const from = timeOption(opts, 'from');
    const to = timeOption(opts, 'to');
    const format = opts.get('format')?.at(-1);
    const out = opts.get('out')?.at(-1);
    if (!insurerId || !from || !to || !format || !out) throw new ArgsError(usage);
    if (!EXPORT_FORMATS.includes(format as ExportFormat))
      throw new ArgsError(`--format must be csv or parquet, got '${format}'`);
    if (Date.parse(to) <= Date.parse(from)) throw new ArgsError('--to must be after --from');
    const api = opts.get('api')?.at(-1) ?? process.env.DASHNET_API ?? DEFAULT_API;
    const headers = credentialHeaders(opts);

    io.progress?.(progressBar(0, 1, 'building export…'));
    const res = await doFetch(new URL('/v1/insights/exports', api), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        insurerId,
        from: isoOf(Date.parse(from)),
        to: isoOf(Date.parse(to)),
        format,
      }),
    });
    const listing = (await res.json()) as {
      detail?: string;
      manifest: ExportManifest;
      manifestUrl: string;
      files: { name: string; url: string }[];
    };
    if (res.status !== 201) throw new ArgsError(`export failed: HTTP ${res.status} ${listing.detail ?? ''}`);
    const keyRes = await doFetch(new URL('/v1/insights/exports/public-key', api));
    const { publicKey } = (await keyRes.json()) as { publicKey: string };

    await mkdir(out, { recursive: true });
    const total = listing.files.length + 1;
    for (const [i, f] of listing.files.entries()) {
      io.progress?.(progressBar(i, total, `downloading ${f.name}`));
      const bytes = new Uint8Array(await (await doFetch(f.url)).arrayBuffer());
      const entry = listing.manifest.files.find((e) => e.name === f.name);
      if (!entry) throw new ExportError('BAD_DIGEST', `${f.name} is not in the manifest`);
      await verifyFile(entry, bytes);
      await writeFile(join(out, f.name), bytes);
    }
    await verifyManifest(listing.manifest, publicKey);
    await writeFile(join(out, 'manifest.json'), `${JSON.stringify(listing.manifest, null, 2)}\n`);
    await writeFile(
      join(out, 'schema.json'),
      `${JSON.stringify({ schemaVersion: EXPORT_SCHEMA_VERSION, tables: EXPORT_SCHEMA }, null, 2)}\n`,
    );
    io.progress?.(`${progressBar(total, total, 'done')}\n`);
    const rows = listing.manifest.files.map((f) => `${f.name} ${f.rows} rows`).join(', ');
    io.log(`wrote ${out}: ${rows}; manifest signature verified (Ed25519 ${publicKey.slice(0, 16)}…)`);
    return 0;
  } catch (err) {
    if (err instanceof ExportError) {
      io.log(`export verification failed: ${err.message}`);
      return 1;
    }
    io.log(err instanceof ArgsError ? err.message : `export failed: ${String(err)}`);
    return 2;
  }
}
