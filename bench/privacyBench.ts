import type { EdgeConfig } from '../edge/edgeConfig.ts';
import { CMU_DATASET } from '../test/real/cmuDrives.ts';
import { GEOLIFE_DATASET, GEOLIFE_USERS, loadGeolifeUser } from '../test/real/geolife.ts';
import {
  BEIJING_OFFSET_MS,
  type EvaluationSummary,
  evaluateUser,
  FOUND_RADIUS_M,
  type PreparedUser,
  prepareCmuLaps,
  prepareUser,
  quantile,
  REDACTION_BASELINES,
  splitRecordings,
  summarise,
} from '../test/real/privacyEvaluation.ts';
import { realDataset } from '../test/real/realDataRoot.ts';
import type { BenchResult } from './types.ts';

/** Device seeds per user: zones and trims are random, so the attack meets several devices. */
const SEEDS = 3;

const GEOLIFE_NOTE =
  'GeoLife (Zheng et al., WWW 2009 / UbiComp 2008 / IEEE DEB 2010), 5 users, 61–108 days each, GPS only; homes inferred from the raw trace (no ground truth)';

/**
 * Redaction against home-finding on real multi-day traces (issue 9 part 4): homes found by the
 * attacks on uploaded data, the share of driven road cells that reach the uplink, and the
 * attacks' error distribution, for the camera's design and for two plain baselines. Also the
 * share of the CMU pothole laps that reaches the uplink. Returns nothing when the real
 * recordings are absent (they are never part of the repository).
 */
export async function runPrivacyBench(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const geolife = realDataset(GEOLIFE_DATASET);
  if (geolife) {
    const users = GEOLIFE_USERS.map((u) => {
      const g = loadGeolifeUser(geolife, u);
      return { user: u, prepared: prepareUser(splitRecordings(g.fixes, g.trajIds), BEIJING_OFFSET_MS) };
    });
    const run = (config: Partial<EdgeConfig>): EvaluationSummary =>
      summarise(
        Array.from({ length: SEEDS }, (_, s) =>
          users.map((u) => evaluateUser(u.prepared, config, `privacy-bench-${s}-${u.user}`)),
        ).flat(),
      );
    out.push(...figures('', run({}), true));
    for (const [name, config] of Object.entries(REDACTION_BASELINES))
      out.push(...figures(`.${name}`, run(config), false));
  }
  const cmu = realDataset(CMU_DATASET);
  if (cmu) {
    const laps = prepareCmuLaps(cmu);
    out.push(lapShare('', laps, {}));
    for (const [name, config] of Object.entries(REDACTION_BASELINES))
      out.push(lapShare(`.${name}`, laps, config));
  }
  return out;
}

function figures(suffix: string, s: EvaluationSummary, design: boolean): BenchResult[] {
  const runs = `${s.runs} user-device runs (${GEOLIFE_USERS.length} users × ${SEEDS} device seeds)`;
  const errors = s.attackErrorsM;
  const target = <T extends number>(t: T): { target?: T } => (design ? { target: t } : {});
  return [
    {
      name: `privacy.homes_found${suffix}`,
      value: s.homesFound,
      unit: 'homes',
      better: 'lower',
      ...target(0),
      note: `of ${s.homes} inferred homes over ${runs}; found = an attack's top guess within ${FOUND_RADIUS_M} m; ${GEOLIFE_NOTE}`,
    },
    {
      name: `privacy.homes_found_top3${suffix}`,
      value: s.homesFoundTop3,
      unit: 'homes',
      better: 'lower',
      ...target(0),
      note: "the same, counting any of each attack's three best guesses",
    },
    {
      name: `privacy.utility_cell_share${suffix}`,
      value: round3(s.utilityMean),
      unit: 'share',
      better: 'higher',
      ...target(0.8),
      note: `mean per user of driven H3 res-10 cells reaching the uplink; worst user ${round3(s.utilityMin)}, pooled ${round3(s.utilityPooled)}`,
    },
    {
      name: `privacy.attack_error_median_m${suffix}`,
      value: Math.round(quantile(errors, 0.5)),
      unit: 'm',
      better: 'higher',
      note: `distance of each attack's top guess (densest trip ends, their ring centroid, first/last upload of each day) from the inferred home; ${errors.length} guesses`,
    },
    {
      name: `privacy.attack_error_p10_m${suffix}`,
      value: Math.round(quantile(errors, 0.1)),
      unit: 'm',
      better: 'higher',
      note: `10th percentile; closest guess ${Math.round(errors[0] ?? Number.NaN)} m`,
    },
    {
      name: `privacy.events_near_home${suffix}`,
      value: s.nearHome,
      unit: 'events',
      better: 'lower',
      ...target(0),
      note: `uploaded events/path cells with any part within 100 m of an inferred home; ${s.nearHomeUnlearned} of them sent before the device had ever rested near that home`,
    },
    {
      name: `privacy.events_near_known_home${suffix}`,
      value: s.nearHome - s.nearHomeUnlearned,
      unit: 'events',
      better: 'lower',
      ...target(0),
      note: 'the same, once the device had rested near the home (what on-device redaction can guarantee)',
    },
    {
      name: `privacy.events_in_zone${suffix}`,
      value: s.insideZone,
      unit: 'events',
      better: 'lower',
      ...target(0),
      note: 'uploaded events/path cells touching a zone or circle the device held when sending them',
    },
  ];
}

function lapShare(suffix: string, laps: PreparedUser, config: Partial<EdgeConfig>): BenchResult {
  const e = evaluateUser(laps, config, 'privacy-bench-cmu');
  return {
    name: `privacy.cmu_laps_cell_share${suffix}`,
    value: round3(e.utility),
    unit: 'share',
    better: 'higher',
    note: `CMU Routes r1–r5 (Bhatt, Mani, Xi, Kolter 2017): 5 consecutive 3–9 min laps from one parking place, GPS + IMU, ${e.drivenCells} driven cells; ${e.uploadedEvents} events uploaded; parking place found: ${e.homesFound}; events/cells within 100 m of it: ${e.nearHome}`,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
