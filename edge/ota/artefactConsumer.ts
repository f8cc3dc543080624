import type { ArtefactKind, ArtefactManifest } from '../../lib/contract/artefact.ts';

/**
 * Where a verified artefact goes: the BADAS scorer for `model`, the night-vision ISP for
 * `isp_profile`, coverage-aware anticipation for `conflict_priors`. `onArtefact` either adopts
 * the bytes or throws and keeps what it used before; it is called only with bytes that were
 * verified after being read back from flash (at install and at every boot), and before the
 * slot pointer flips, so a refusal leaves the last good artefact active.
 *
 * @example
 * // night vision: the ISP profile decoder of edge/night/ispProfile.ts
 * const isp: ArtefactConsumer = {
 *   onArtefact: (kind, bytes, manifest) => { night = ispProfileFromArtefact(kind, bytes, manifest, model, firmware); },
 * };
 */
export interface ArtefactConsumer {
  onArtefact(kind: ArtefactKind, bytes: Uint8Array, manifest: ArtefactManifest): void;
}
