import { cellToParent, latLngToCell } from 'h3-js';
import type { ArtefactManifest } from '../../../lib/contract/artefact.ts';
import { PRIOR_CELL_RESOLUTION } from '../../../lib/priors/cellPriors.ts';
import { PriorsError } from '../../../lib/priors/priorsError.ts';
import {
  decodePriorTile,
  type PriorTile,
  type TilePrior,
  tilePriorOf,
} from '../../../lib/priors/priorTile.ts';

/**
 * The conflict-prior tiles a camera holds (usually one: the area it drives in; a few near a
 * tile border), looked up by position. Portable: h3-js and the tile decoder only.
 *
 * Only bytes the updater verified go in (`verifyArtefact` on signature, size and SHA-256;
 * `edge/ota` hands them to `onArtefact(kind, bytes, manifest)`): the decoder rejects malformed
 * bytes, not forged ones.
 *
 * @example
 * const priors = new ConflictPriors();
 * onArtefact = (kind, bytes, manifest) => { if (kind === 'conflict_priors') priors.addVerifiedTile(bytes, manifest); };
 * stage.setConflictPriors(priors);
 */
export class ConflictPriors {
  private readonly tiles = new Map<string, PriorTile>();
  private lastCell = '';
  private lastPrior: TilePrior | undefined;

  /**
   * Adds (or replaces, for the same area) a verified tile. When the manifest is given, it must be
   * a `conflict_priors` manifest whose region is the tile's parent — a tile of another town
   * under this town's manifest is refused.
   *
   * @throws PriorsError `BAD_TILE`
   */
  addVerifiedTile(bytes: Uint8Array, manifest?: ArtefactManifest): PriorTile {
    const tile = decodePriorTile(bytes);
    if (manifest && (manifest.kind !== 'conflict_priors' || manifest.provenance.region !== tile.parent))
      throw new PriorsError(
        'BAD_TILE',
        `manifest ${manifest.kind} ${manifest.name} does not describe this tile`,
      );
    if (tile.cellRes !== PRIOR_CELL_RESOLUTION)
      throw new PriorsError(
        'BAD_TILE',
        `tile cells are res ${tile.cellRes}, the camera looks up res ${PRIOR_CELL_RESOLUTION}`,
      );
    this.tiles.set(tile.parent, tile);
    this.lastCell = '';
    return tile;
  }

  /** Drops every tile: the camera runs its plain model everywhere. */
  clear(): void {
    this.tiles.clear();
    this.lastCell = '';
  }

  /** How many tiles are loaded. */
  get size(): number {
    return this.tiles.size;
  }

  /** The prior of the res-8 cell at (lat, lng), or undefined where no tile has one. */
  at(lat: number, lng: number): TilePrior | undefined {
    if (this.tiles.size === 0) return undefined;
    return this.ofCell(latLngToCell(lat, lng, PRIOR_CELL_RESOLUTION));
  }

  /** The prior of a res-8 cell, or undefined where no tile has one. */
  ofCell(cell: string): TilePrior | undefined {
    // Consecutive fixes are mostly in the same ~460 m cell: one H3 parent walk per cell entered.
    if (cell === this.lastCell) return this.lastPrior;
    let prior: TilePrior | undefined;
    for (const tile of this.tiles.values()) {
      if (cellToParent(cell, tile.parentRes) !== tile.parent) continue;
      prior = tilePriorOf(tile, cell);
      break;
    }
    this.lastCell = cell;
    this.lastPrior = prior;
    return prior;
  }
}
