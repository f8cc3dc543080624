/** Options of {@link closeCallFramesCsv}. */
export interface CloseCallOptions {
  /** First and last frame times, seconds (relative), at 10 Hz. */
  fromS: number;
  toS: number;
  /** When the lead brakes hard. */
  brakeAtS: number;
  /** The ego speed column (replay uses the GPS log's own instead). */
  egoSpeedMps: number;
  /** Beyond this gap the lead is lost: its columns are empty. Never lost when absent. */
  loseBeyondM?: number;
}

/**
 * A close call as per-frame lead kinematics (the `edge badas` CSV, 10 Hz, relative time):
 * following at 20 m, the lead brakes hard at `brakeAtS` (closing speed ramps to 8 m/s within
 * 1 s, holds 1 s, falls back over 1.5 s), then pulls away at 2 m/s.
 */
export function closeCallFramesCsv(o: CloseCallOptions): string {
  const rows = ['t,ego_speed_mps,ego_accel_mps2,lead_gap_m,lead_closing_mps'];
  let gap = 20;
  for (let i = Math.round(o.fromS * 10); i < Math.round(o.toS * 10); i++) {
    const t = i / 10;
    const r = t - o.brakeAtS;
    const closing =
      r >= 0 && r < 1
        ? 8 * r
        : r >= 1 && r < 2
          ? 8
          : r >= 2 && r < 3.5
            ? 8 - (8 / 1.5) * (r - 2)
            : r >= 3.5
              ? -2
              : 0;
    gap -= closing / 10;
    const lost = o.loseBeyondM !== undefined && gap > o.loseBeyondM;
    rows.push(
      `${t.toFixed(1)},${o.egoSpeedMps},0,${lost ? '' : gap.toFixed(2)},${lost ? '' : closing.toFixed(2)}`,
    );
  }
  return rows.join('\n');
}
