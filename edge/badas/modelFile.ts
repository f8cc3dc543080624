import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Node-only: the committed BADAS model and its manifest. A camera gets the same bytes through
 * `EdgePlatform.modelLoader` (over the air); this file is for the CLI, bench and tests and is
 * never imported by the camera bundle.
 */
export const BADAS_MODEL_PATH = fileURLToPath(new URL('./model/badas-v1.onnx', import.meta.url));
export const BADAS_MANIFEST_PATH = fileURLToPath(new URL('./model/badas-v1.manifest.json', import.meta.url));

/** The committed `.onnx` bytes. */
export function readBadasModel(): Uint8Array {
  return new Uint8Array(readFileSync(BADAS_MODEL_PATH));
}

/** The committed manifest (inputs, outputs, version, sha256, operators, training command). */
export function readBadasManifest(): {
  version: string;
  sha256: string;
  sizeBytes: number;
  operators: string[];
  parameters: number;
  trainingCommand: string;
} {
  return JSON.parse(readFileSync(BADAS_MANIFEST_PATH, 'utf8'));
}
