import { PriorsError } from '../../../lib/priors/priorsError.ts';
import type { ArtefactConsumer } from '../../ota/artefactConsumer.ts';
import type { ConflictPriors } from './conflictPriors.ts';

/**
 * The over-the-air consumer of `conflict_priors` artefacts (the shape of `edge/ota`'s
 * `ArtefactConsumer`): the updater calls it with bytes it verified (signature, size, SHA-256)
 * before it flips the slot; a tile that does not decode, or whose manifest names another area,
 * throws, and the updater keeps the last good tile.
 *
 * @example
 * const priors = new ConflictPriors();
 * stage.setConflictPriors(priors);
 * new OtaUpdater({ ...deps, consumers: { conflict_priors: conflictPriorsConsumer(priors) } }, config);
 */
export function conflictPriorsConsumer(priors: ConflictPriors): ArtefactConsumer {
  return {
    onArtefact(kind, bytes, manifest) {
      if (kind !== 'conflict_priors')
        throw new PriorsError('BAD_TILE', `a ${kind} artefact is not a prior tile`);
      priors.addVerifiedTile(bytes, manifest);
    },
  };
}
