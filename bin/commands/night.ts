/**
 * `dashnet night candidates [--out DIR] [--all true] [--api URL] [--operator-token T]` — the night
 * calibration's ISP profile candidates (docs/night-vision.md), asked of a running stack (local by
 * default) through `GET /v1/night/candidates`. With `--out`, each candidate's bytes are written to
 * `DIR/<name>-<version>.json` and the command prints the `dashnet artefact publish` line that signs
 * (offline, with the release key) and publishes it — the cloud signs nothing. Exit 0 answered,
 * 1 refused by the API, 2 bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtefactManifest } from '../../lib/contract/artefact.ts';
import { ENV } from '../../lib/resources.ts';
import { ArgsError, parseOptions } from './args.ts';
import { DEFAULT_API } from './coverage.ts';

interface CandidateView {
  manifest: Omit<ArtefactManifest, 'keyId'>;
  bytes: string;
}

/** The `dashnet artefact publish` arguments that sign and publish a candidate's file. */
export function publishArgs(manifest: Omit<ArtefactManifest, 'keyId'>, file: string): string[] {
  const c = manifest.compatibility;
  return [
    'artefact',
    'publish',
    '--file',
    file,
    '--kind',
    manifest.kind,
    '--name',
    manifest.name,
    '--version',
    manifest.version,
    '--camera-models',
    c.cameraModels.join(','),
    ...(c.minFirmware ? ['--min-firmware', c.minFirmware] : []),
    ...(c.maxFirmware ? ['--max-firmware', c.maxFirmware] : []),
    ...Object.entries(manifest.provenance).flatMap(([k, v]) => ['--provenance', `${k}=${String(v)}`]),
  ];
}

const shellQuote = (s: string) => (/^[\w./,:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Runs `dashnet night …`; returns the exit status. */
export async function nightCommand(
  argv: readonly string[],
  io: { log: (line: string) => void; fetch?: typeof fetch } = { log: (l) => console.log(l) },
): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub !== 'candidates') throw new ArgsError('usage: dashnet night candidates [--out DIR] [--all true]');
    const opts = parseOptions(rest, ['out', 'all', 'api', 'operator-token']);
    const token = opts.get('operator-token')?.at(-1) ?? process.env[ENV.operatorToken];
    if (!token) throw new ArgsError(`--operator-token or ${ENV.operatorToken} is required`);
    const url = new URL(
      '/v1/night/candidates',
      opts.get('api')?.at(-1) ?? process.env.DASHNET_API ?? DEFAULT_API,
    );
    if (opts.get('all')?.at(-1) === 'true') url.searchParams.set('all', 'true');
    const res = await (io.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status !== 200) {
      io.log(`refused: HTTP ${res.status} ${text}`);
      return 1;
    }
    const { candidates } = JSON.parse(text) as { candidates: CandidateView[] };
    if (candidates.length === 0)
      io.log('no candidates (no camera model has passed the distinct-camera guard yet)');
    const out = opts.get('out')?.at(-1);
    if (out) mkdirSync(out, { recursive: true });
    for (const c of candidates) {
      const m = c.manifest;
      io.log(
        `${m.name} ${m.version}: ${m.compatibility.cameraModels.join(',')} firmware ${m.compatibility.minFirmware ?? '*'}, ${String(m.provenance.cameras)} cameras, ${String(m.provenance.reports)} reports, sha256 ${m.sha256}`,
      );
      if (!out) continue;
      const file = join(out, `${m.name}-${m.version}.json`);
      writeFileSync(file, Buffer.from(c.bytes, 'base64'));
      io.log(`  dashnet ${publishArgs(m, file).map(shellQuote).join(' ')} --key RELEASE_SEED_FILE`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ArgsError) {
      io.log(err.message);
      return 2;
    }
    throw err;
  }
}
