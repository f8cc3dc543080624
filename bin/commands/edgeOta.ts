import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodePlatform } from '../../edge/adapters/node.ts';
import type { ArtefactConsumer } from '../../edge/ota/artefactConsumer.ts';
import { badasModelConsumer } from '../../edge/ota/badasModelConsumer.ts';
import { nodeByteFetch } from '../../edge/ota/nodeByteFetch.ts';
import { DEFAULT_OTA_UPDATER, OtaUpdater } from '../../edge/ota/updater.ts';
import { LOCAL_RELEASE_KEY_FILE } from '../../functions/adapters/artefactReleaseKeys.ts';
import { ARTEFACT_KINDS, type ArtefactKind, fromHex, publicKeyOf } from '../../lib/contract/artefact.ts';
import { ArgsError, parseOptions } from './args.ts';

const USAGE =
  '--api URL --token T --camera-model M --firmware F (--key HEX ... | --local-keys DIR) [--kind K ...] [--name KIND=LINE ...] [--state DIR]';

/** The release public keys: `--key` hex values, or the local stack's release key in `--local-keys DIR`. */
function releaseKeys(opts: Map<string, string[]>): Uint8Array[] {
  const keys = (opts.get('key') ?? [])
    .flatMap((v) => v.split(','))
    .map((hex) => {
      if (!/^[0-9a-fA-F]{64}$/.test(hex.trim()))
        throw new ArgsError('--key must be 64 hex digits (an Ed25519 public key)');
      return fromHex(hex.trim().toLowerCase());
    });
  for (const dir of opts.get('local-keys') ?? []) {
    let hex: string;
    try {
      hex = readFileSync(join(dir, LOCAL_RELEASE_KEY_FILE), 'utf8').trim();
    } catch (err) {
      throw new ArgsError(
        `cannot read the local release key in '${dir}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ArgsError(`'${dir}' holds no release key`);
    keys.push(publicKeyOf(fromHex(hex)));
  }
  if (keys.length === 0) throw new ArgsError(`a release key is required: ${USAGE}`);
  return keys;
}

function required(opts: Map<string, string[]>, name: string): string {
  const v = opts.get(name)?.at(-1);
  if (v === undefined || v === '') throw new ArgsError(`--${name} is required: ${USAGE}`);
  return v;
}

/**
 * `dashnet edge ota …`: the camera's over-the-air updater on Node, once: boots from the flash
 * folder `--state` (default `.dashnet/camera-ota`; re-verifies what it holds), polls each kind
 * (`--kind`, default `model`) against a running stack with the device token, and installs what
 * verifies against the pinned release keys. Prints one JSON object a line: the boot report, each
 * kind's outcome, what runs now. Models go to the BADAS consumer (a signed file that is not a
 * loadable model is refused); other kinds are kept as verified bytes.
 *
 * @returns 0 when every poll ended (installed, current, none, refused or failed: printed), 2 on bad arguments
 */
export async function edgeOtaCommand(
  argv: string[],
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<number> {
  let updater: OtaUpdater;
  let kinds: ArtefactKind[];
  try {
    const opts = parseOptions(argv, [
      'api',
      'token',
      'camera-model',
      'firmware',
      'key',
      'local-keys',
      'kind',
      'name',
      'state',
    ]);
    kinds = (opts.get('kind') ?? ['model']).flatMap((v) => v.split(',')) as ArtefactKind[];
    const unknown = kinds.filter((k) => !ARTEFACT_KINDS.includes(k));
    if (unknown.length)
      throw new ArgsError(`--kind must be one of ${ARTEFACT_KINDS.join(', ')}, got '${unknown.join(',')}'`);
    const lines: Partial<Record<ArtefactKind, string>> = {};
    for (const v of opts.get('name') ?? []) {
      const [kind, line] = v.split('=', 2) as [ArtefactKind, string | undefined];
      if (!kinds.includes(kind) || !line)
        throw new ArgsError(`--name must be KIND=LINE for a polled kind, got '${v}'`);
      lines[kind] = line;
    }
    const api = required(opts, 'api');
    if (!/^https?:\/\//.test(api)) throw new ArgsError(`--api must be an http(s) URL, got '${api}'`);
    const keep: ArtefactConsumer = { onArtefact: () => {} };
    const consumers: Partial<Record<ArtefactKind, ArtefactConsumer>> = {};
    for (const k of kinds) consumers[k] = k === 'model' ? badasModelConsumer() : keep;
    const p = createNodePlatform({ storageDir: opts.get('state')?.at(-1) ?? join('.dashnet', 'camera-ota') });
    updater = new OtaUpdater(
      {
        clock: p.clock,
        random: p.random,
        storage: p.storage,
        logger: p.logger,
        transport: p.transport!,
        fetchBytes: nodeByteFetch,
        releaseKeys: releaseKeys(opts),
        consumers,
      },
      {
        ...DEFAULT_OTA_UPDATER,
        apiUrl: api,
        deviceToken: required(opts, 'token'),
        cameraModel: required(opts, 'camera-model'),
        firmware: required(opts, 'firmware'),
        lines,
      },
    );
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`dashnet edge ota: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  write(`${JSON.stringify({ boot: updater.boot() })}\n`);
  for (const kind of kinds) write(`${JSON.stringify(await updater.checkNow(kind))}\n`);
  write(`${JSON.stringify({ running: updater.running() })}\n`);
  return 0;
}
