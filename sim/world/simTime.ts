/** How simulated time maps onto wall time. */
export interface SimTimeline {
  /** Wall-clock instant at which the simulation started, epoch ms. */
  wallStartMs: number;
  /** Simulated instant at the start, epoch ms; usually in the past, e.g. 20 minutes ago. */
  simStartMs: number;
  /** How many simulated seconds pass per wall second until the simulation catches up. */
  speedup: number;
}

/**
 * Simulated time at a wall-clock instant: runs `speedup` times faster than the wall clock until it
 * catches up, then follows it. It never passes the wall clock, so no event is stamped in the future.
 *
 * @example
 * simTimeAt(now, { wallStartMs: now, simStartMs: now - 20 * 60_000, speedup: 6 }); // now - 20 min
 */
export function simTimeAt(wallMs: number, timeline: SimTimeline): number {
  const fast = timeline.simStartMs + (wallMs - timeline.wallStartMs) * timeline.speedup;
  return Math.min(wallMs, Math.max(timeline.simStartMs, fast));
}
