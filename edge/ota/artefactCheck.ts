import {
  type ArtefactKind,
  type ArtefactManifest,
  isCompatible,
  verifyArtefact,
} from '../../lib/contract/artefact.ts';
import { OtaError } from './otaError.ts';

/** Who the camera is, for compatibility checks. */
export interface CameraIdentity {
  /** The camera's model, as manifests name it in `compatibility.cameraModels`. */
  cameraModel: string;
  /** The running firmware, semver. */
  firmware: string;
}

/**
 * Everything the camera checks about an artefact before it may touch a consumer: the manifest's
 * shape, its Ed25519 signature by one of the pinned release keys, the kind of the channel it
 * came on, compatibility with this camera and, when `bytes` are given, their size and SHA-256.
 * The same function runs on the offer (before download), on the download, on the read-back
 * from flash and at every boot, so there is one definition of "verified".
 *
 * @throws OtaError `UNTRUSTED` / `BAD_BYTES` / `WRONG_KIND` / `INCOMPATIBLE`
 */
export function checkArtefact(
  manifest: unknown,
  signature: string,
  expected: { kind: ArtefactKind; releaseKeys: readonly Uint8Array[]; camera: CameraIdentity },
  bytes?: Uint8Array,
): ArtefactManifest {
  let m: ArtefactManifest;
  try {
    m = verifyArtefact(manifest, signature, expected.releaseKeys, bytes);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message ?? String(err);
    throw new OtaError(code === 'BAD_SIZE' || code === 'BAD_DIGEST' ? 'BAD_BYTES' : 'UNTRUSTED', message);
  }
  // The signature covers the kind, so a signed ISP profile cannot be replayed as a model; the
  // channel must still agree, or a model-shaped JSON would be handed to the BADAS interpreter.
  if (m.kind !== expected.kind)
    throw new OtaError('WRONG_KIND', `a ${m.kind} artefact arrived on the ${expected.kind} channel`);
  if (!isCompatible(m, expected.camera.cameraModel, expected.camera.firmware))
    throw new OtaError(
      'INCOMPATIBLE',
      `${m.kind} ${m.version} is not for camera ${expected.camera.cameraModel} on firmware ${expected.camera.firmware}`,
    );
  return m;
}
