/**
 * `dashnet coverage --bbox B [--from T --to T] [--api URL] [--operator-token T | --api-key K] [--json]`
 * — coverage of the real road network (OpenStreetMap, per road class) by the network's
 * k-anonymous observations, asked of a running stack (local by default) through
 * `GET /v1/coverage`, so it works the same against AWS. The road network is the stack's: the
 * bundled Pittsburgh extract, or the one an operator loaded (`DASHNET_ROAD_NETWORK_FILE` when
 * starting the stack). Exit 0 answered, 2 bad arguments or no answer.
 */
import { bboxSchema } from '../../lib/geo/bbox.ts';
import { ENV } from '../../lib/resources.ts';
import { ArgsError, parseOptions } from './args.ts';

/** The local stack's default address (`dashnet serve`). */
export const DEFAULT_API = 'http://127.0.0.1:8787';

interface ClassRow {
  roadClass: string;
  roadKm: number;
  coveredKm: number;
  share: number;
  roadCells: number;
  coveredCells: number;
}

/** Credentials for the insurer/operator routes: an insurer key or the operator token. */
export function credentialHeaders(opts: Map<string, string[]>): Record<string, string> {
  const apiKey = opts.get('api-key')?.at(-1) ?? process.env.DASHNET_API_KEY;
  if (apiKey) return { 'x-api-key': apiKey };
  const token = opts.get('operator-token')?.at(-1) ?? process.env[ENV.operatorToken];
  if (!token) throw new ArgsError(`--api-key, --operator-token or ${ENV.operatorToken} is required`);
  return { authorization: `Bearer ${token}` };
}

/** An RFC 3339 option, checked. */
export function timeOption(opts: Map<string, string[]>, name: string): string | undefined {
  const v = opts.get(name)?.at(-1);
  if (v !== undefined && Number.isNaN(Date.parse(v)))
    throw new ArgsError(`--${name} must be an RFC 3339 time, got '${v}'`);
  return v;
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Runs `dashnet coverage`; returns the exit status. */
export async function coverageCommand(
  argv: readonly string[],
  io: { log: (line: string) => void; fetch?: typeof fetch } = { log: (l) => console.log(l) },
): Promise<number> {
  try {
    const opts = parseOptions(argv, ['bbox', 'from', 'to', 'api', 'operator-token', 'api-key', 'json']);
    const bbox = opts.get('bbox')?.at(-1);
    if (!bbox)
      throw new ArgsError('usage: dashnet coverage --bbox minLng,minLat,maxLng,maxLat [--from T --to T]');
    if (!bboxSchema.safeParse(bbox).success)
      throw new ArgsError(`--bbox must be minLng,minLat,maxLng,maxLat, got '${bbox}'`);
    const from = timeOption(opts, 'from');
    const to = timeOption(opts, 'to');
    const api = opts.get('api')?.at(-1) ?? process.env.DASHNET_API ?? DEFAULT_API;
    const url = new URL('/v1/coverage', api);
    url.searchParams.set('bbox', bbox);
    if (from) url.searchParams.set('from', from);
    if (to) url.searchParams.set('to', to);
    const res = await (io.fetch ?? fetch)(url, { headers: credentialHeaders(opts) });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200)
      throw new ArgsError(`coverage failed: HTTP ${res.status} ${String(body.detail ?? '')}`);
    if (opts.get('json')?.at(-1) === 'true') {
      io.log(JSON.stringify(body));
      return 0;
    }
    io.log(
      `coverage ${body.from} .. ${body.to}, k = ${body.k} (${(body.roadNetwork as { attribution?: string })?.attribution ?? ''})`,
    );
    io.log('class            road km  covered km   share   cells');
    const line = (c: ClassRow) =>
      `${c.roadClass.padEnd(15)} ${c.roadKm.toFixed(1).padStart(8)} ${c.coveredKm.toFixed(1).padStart(11)} ${pct(c.share).padStart(8)} ${String(c.coveredCells).padStart(6)}/${c.roadCells}`;
    for (const c of body.byClass as ClassRow[]) io.log(line(c));
    io.log(
      line({
        roadClass: 'all',
        roadKm: Number(body.roadKm),
        coveredKm: Number(body.coveredKm),
        share: Number(body.kmShare),
        roadCells: Number(body.roadCells),
        coveredCells: Number(body.coveredCells),
      }),
    );
    return 0;
  } catch (err) {
    io.log(err instanceof ArgsError ? err.message : `coverage failed: ${String(err)}`);
    return 2;
  }
}
