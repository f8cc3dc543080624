import type { ArtefactKind, ArtefactManifest } from '../../lib/contract/artefact.ts';
import { decodeUtf8 } from './encoding.ts';

/**
 * Where a verified artefact goes: the BADAS scorer for `model`, the night-vision ISP for
 * `isp_profile`, coverage-aware anticipation for `conflict_priors`. `onArtefact` either adopts
 * the bytes or throws and keeps what it used before; it is called only with bytes that were
 * verified after being read back from flash (at install and at every boot), and before the
 * slot pointer flips, so a refusal leaves the last good artefact active.
 */
export interface ArtefactConsumer {
  onArtefact(kind: ArtefactKind, bytes: Uint8Array, manifest: ArtefactManifest): void;
}

/**
 * A consumer of a JSON artefact (ISP profile, prior tile): decodes UTF-8 strictly, parses,
 * lets `parse` validate the shape (throw to refuse) and hands the typed value to `apply`.
 *
 * @example
 * const isp = jsonArtefactConsumer(parseIspProfile, (profile) => nightVision.setProfile(profile));
 * new OtaUpdater({ ...deps, consumers: { isp_profile: isp } }, config);
 */
export function jsonArtefactConsumer<T>(
  parse: (value: unknown) => T,
  apply: (value: T, manifest: ArtefactManifest) => void,
): ArtefactConsumer {
  return {
    onArtefact(_kind, bytes, manifest) {
      apply(parse(JSON.parse(decodeUtf8(bytes))), manifest);
    },
  };
}
