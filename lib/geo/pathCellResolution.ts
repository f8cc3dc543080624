/**
 * H3 resolution of the cells the contract speaks in: trip path entries are res-10 cells
 * (API.md, `trip.path[].cell`), ~66 m edges, ~0.015 km². Everything that is compared with a
 * path cell must use the same resolution, so it is declared once here: hazard signal cells
 * (exposure, the baseline's denominator, is counted in path cells), insights contributions,
 * night-scene cells and the simulator's trip recorder.
 *
 * Coarser resolutions that partition or group these cells have purposes of their own and are
 * declared beside their use (`HAZARD_AREA_RESOLUTION`, `PARTITION_RESOLUTION`,
 * `INSIGHTS_PARTITION_RESOLUTION`, `PRIOR_CELL_RESOLUTION`, `DEFAULT_TILE_RESOLUTION`,
 * `HEALTH_CELL_RESOLUTION`, `TRAINING_CELL_RESOLUTION`).
 */
export const PATH_CELL_RESOLUTION = 10;
