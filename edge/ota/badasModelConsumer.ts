import type { ArtefactManifest } from '../../lib/contract/artefact.ts';
import { type BadasScorer, createPortableBadasScorer } from '../badas/badasScorer.ts';
import type { ArtefactConsumer } from './artefactConsumer.ts';

/** The BADAS model the camera runs, as delivered over the air. */
export interface AdoptedBadasModel {
  /** The verified `.onnx` bytes (what `EdgePlatform.badasModel` takes). */
  bytes: Uint8Array;
  scorer: BadasScorer;
  manifest: ArtefactManifest;
}

/** The `model` consumer: holds the current BADAS scorer built from verified bytes. */
export interface BadasModelConsumer extends ArtefactConsumer {
  /** The model adopted last; undefined until one was. */
  current(): AdoptedBadasModel | undefined;
}

/**
 * Adopts a `model` artefact only if the portable interpreter loads it as a BADAS scorer (right
 * input width, operating point in its metadata, supported operators): a model that is signed but
 * unusable is refused, so the slot pointer stays on the last good one. `onChange` lets the host
 * rebuild its pipeline with the new scorer (the operating point travels with the model, and the
 * pipeline's hysteresis is built from it).
 *
 * @example
 * const badas = badasModelConsumer((m) => { pipeline = new EdgePipeline({ ...platform, badasScorer: m.scorer }, config); });
 */
export function badasModelConsumer(onChange?: (model: AdoptedBadasModel) => void): BadasModelConsumer {
  let current: AdoptedBadasModel | undefined;
  return {
    onArtefact(_kind, bytes, manifest) {
      // Throws BadasError on an unusable model, before anything changes.
      const scorer = createPortableBadasScorer(bytes);
      const next = { bytes, scorer, manifest };
      onChange?.(next);
      current = next;
    },
    current: () => current,
  };
}
