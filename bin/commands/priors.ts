/**
 * `dashnet priors sign --candidate FILE --key FILE --out FILE` — the operator's offline step for
 * a conflict-prior tile: the cloud's builder leaves an unsigned candidate (it holds no release
 * key); this signs it with the release seed (64 hex digits in a file) and writes the body of
 * `POST /v1/artefacts` (`{ manifest, signature, bytes }`, bytes base64), after checking that the
 * result verifies and decodes as the camera will.
 *
 * `dashnet priors inspect --in FILE` — what a tile says: its manifest's provenance (when FILE is
 * a publish body or a candidate) and one JSON line per cell (cell, centre, rate ratio, evidence
 * weight). FILE may also be raw tile bytes.
 *
 * Exit 0 done, 1 the signed result did not verify, 2 bad arguments or unreadable input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cellToLatLng } from 'h3-js';
import { fromHex, publicKeyOf, verifyArtefact } from '../../lib/contract/artefact.ts';
import { type PriorTileCandidate, signPriorTile } from '../../lib/priors/buildPriorTile.ts';
import { decodePriorTile, tileCells } from '../../lib/priors/priorTile.ts';
import { ArgsError, parseOptions } from './args.ts';

const USAGE =
  'usage: dashnet priors sign --candidate FILE --key FILE --out FILE | dashnet priors inspect --in FILE';

/** A candidate as the builder stores it: the tile's bytes in base64 beside the manifest facts. */
export interface CandidateFile extends Omit<PriorTileCandidate, 'bytes'> {
  bytes: string;
}

/** The JSON form of a candidate (what the scheduled builder stores and `priors sign` reads). */
export function candidateToJson(c: PriorTileCandidate): CandidateFile {
  return { ...c, bytes: Buffer.from(c.bytes).toString('base64') };
}

function candidateOf(value: unknown): PriorTileCandidate {
  const c = value as Partial<CandidateFile> | null;
  if (
    !c ||
    typeof c.bytes !== 'string' ||
    typeof c.name !== 'string' ||
    typeof c.version !== 'string' ||
    typeof c.createdAt !== 'string' ||
    !Array.isArray(c.cameraModels) ||
    !c.provenance ||
    typeof c.provenance !== 'object'
  )
    throw new ArgsError(
      '--candidate is not a prior-tile candidate (bytes, name, version, createdAt, cameraModels, provenance)',
    );
  return { ...(c as CandidateFile), bytes: new Uint8Array(Buffer.from(c.bytes, 'base64')) };
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new ArgsError(`${what} ${path}: ${(e as Error).message}`);
  }
}

async function sign(argv: readonly string[], log: (line: string) => void): Promise<number> {
  const opts = parseOptions(argv, ['candidate', 'key', 'out']);
  const [candidatePath, keyPath, out] = ['candidate', 'key', 'out'].map((n) => opts.get(n)?.at(-1));
  if (!candidatePath || !keyPath || !out) throw new ArgsError(USAGE);
  const candidate = candidateOf(await readJson(candidatePath, 'cannot read --candidate'));
  let seed: Uint8Array;
  try {
    seed = fromHex((await readFile(keyPath, 'utf8')).trim());
  } catch (e) {
    throw new ArgsError(`cannot read --key ${keyPath}: ${(e as Error).message}`);
  }
  if (seed.length !== 32) throw new ArgsError('--key must hold a 32-byte Ed25519 seed, 64 hex digits');
  const t = signPriorTile(candidate, seed);
  // Check the result as a camera will before anyone publishes it.
  verifyArtefact(t.manifest, t.signature, [publicKeyOf(seed)], t.bytes);
  decodePriorTile(t.bytes);
  const body = {
    manifest: t.manifest,
    signature: t.signature,
    bytes: Buffer.from(t.bytes).toString('base64'),
  };
  await writeFile(out, `${JSON.stringify(body, null, 2)}\n`);
  log(
    `signed ${t.manifest.name} ${t.manifest.version} (${t.bytes.length} B, ${t.manifest.provenance.cells} cells, key ${t.manifest.keyId}) → ${out}`,
  );
  return 0;
}

async function inspect(argv: readonly string[], log: (line: string) => void): Promise<number> {
  const opts = parseOptions(argv, ['in']);
  const path = opts.get('in')?.at(-1);
  if (!path) throw new ArgsError(USAGE);
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (e) {
    throw new ArgsError(`cannot read --in ${path}: ${(e as Error).message}`);
  }
  let bytes = new Uint8Array(raw);
  if (raw[0] === 0x7b) {
    const doc = JSON.parse(raw.toString('utf8')) as {
      bytes?: string;
      manifest?: { provenance?: unknown };
      provenance?: unknown;
    };
    if (typeof doc.bytes !== 'string') throw new ArgsError(`--in ${path} has no tile bytes`);
    bytes = new Uint8Array(Buffer.from(doc.bytes, 'base64'));
    log(JSON.stringify({ provenance: doc.manifest?.provenance ?? doc.provenance ?? null }));
  }
  const tile = decodePriorTile(bytes);
  log(
    JSON.stringify({
      parent: tile.parent,
      unit: tile.unit,
      regionalRate: tile.regionalRate,
      cells: tile.positions.length,
      bytes: bytes.length,
    }),
  );
  for (const c of tileCells(tile)) {
    const [lat, lng] = cellToLatLng(c.cell);
    log(
      JSON.stringify({
        cell: c.cell,
        lat: Math.round(lat * 1e5) / 1e5,
        lng: Math.round(lng * 1e5) / 1e5,
        rateRatio: Math.round(Math.exp(c.logRateRatio) * 1000) / 1000,
        evidenceWeight: Math.round(c.evidenceWeight * 1000) / 1000,
      }),
    );
  }
  return 0;
}

/** Runs `dashnet priors …`; returns the exit status. */
export async function priorsCommand(
  argv: readonly string[],
  io: { log: (line: string) => void; error: (line: string) => void } = {
    log: (l) => console.log(l),
    error: (l) => console.error(l),
  },
): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'sign') return await sign(rest, io.log);
    if (sub === 'inspect') return await inspect(rest, io.log);
    throw new ArgsError(USAGE);
  } catch (e) {
    const code = (e as { code?: string }).code;
    io.error(`dashnet priors: ${(e as Error).message}`);
    if (e instanceof ArgsError || code === 'BAD_TILE' || code === 'BAD_INPUT' || e instanceof SyntaxError)
      return 2;
    return 1;
  }
}
