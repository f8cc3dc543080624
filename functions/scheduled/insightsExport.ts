import { createHash } from 'node:crypto';
import { join } from 'node:path';
import middy from '@middy/core';
import { cellToLatLng } from 'h3-js';
import { cellsCoveringBBox } from '../../lib/geo/areaCover.ts';
import { type BBox, bboxContains } from '../../lib/geo/bbox.ts';
import { INSIGHTS_PARTITION_RESOLUTION } from '../../lib/insights/contributions.ts';
import type { ExportFormat } from '../../lib/insights/exportFormats.ts';
import {
  buildSignedExport,
  type ExportManifest,
  type ExportPeriod,
} from '../../lib/insights/exportManifest.ts';
import { duePeriods, periodDays, periodFolder } from '../../lib/insights/exportPeriods.ts';
import { buildExportTables } from '../../lib/insights/exportTables.ts';
import { DEFAULT_K } from '../../lib/insights/kAnonymity.ts';
import { ENV } from '../../lib/resources.ts';
import { HOUR_MS } from '../../lib/time/durations.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { localSigningSeed, secretSigningSeed } from '../adapters/exportSigningKey.ts';
import { type ExportStore, insurerPrefix, LocalExportStore, S3ExportStore } from '../adapters/exportStore.ts';
import { type InsurerEntry, listInsurers } from '../adapters/insurerDirectory.ts';
import { type RoadNetwork, roadNetwork } from '../adapters/roadNetworkSource.ts';
import type { AppDeps, ResourceNames } from '../runtime/deps.ts';
import { pickDeps } from '../runtime/functionDeps.ts';
import { lambdaDeps } from '../runtime/lambdaDeps.ts';

/** A scheduled period is exported this long after it ends: the daily fold runs 15 min after a day closes, hourly. */
export const EXPORT_SETTLE_MS = 2 * HOUR_MS;
/** Formats the schedule writes for every period. */
const SCHEDULED_FORMATS: readonly ExportFormat[] = ['parquet', 'csv'];

/** What exports need beyond the shared dependencies: where files go, the signing seed, the road network. */
export interface ExportDeps {
  store: ExportStore;
  seed: () => Promise<Uint8Array>;
  network: () => RoadNetwork;
}

/**
 * Export dependencies from the environment: the S3 bucket and signing secret the stack creates
 * (`DASHNET_EXPORTS_BUCKET`, `DASHNET_EXPORT_SIGNING_KEY_SECRET_ARN`), else a local folder
 * (`DASHNET_EXPORTS_DIR`, default `.dashnet/exports`) holding the files and a generated key.
 */
export function exportDepsFromEnv(env: Record<string, string | undefined> = process.env): ExportDeps {
  const bucket = env[ENV.exportsBucket];
  const secretArn = env[ENV.exportSigningKeySecretArn];
  let seed: Promise<Uint8Array> | undefined;
  if (bucket && secretArn) {
    return {
      store: new S3ExportStore(bucket),
      seed: () => {
        seed ??= secretSigningSeed(secretArn);
        return seed;
      },
      network: () => roadNetwork(env),
    };
  }
  const dir = env[ENV.exportsDir] ?? join('.dashnet', 'exports');
  const localSeed = localSigningSeed(join(dir, 'export-signing-key'));
  // The local download URLs are signed with a key derived from the seed, never the seed itself.
  const urlKey = createHash('sha256').update('dashnet-export-urls|').update(localSeed).digest('hex');
  return {
    store: new LocalExportStore(join(dir, 'files'), urlKey),
    seed: async () => localSeed,
    network: () => roadNetwork(env),
  };
}

/** The storage folder of one export. */
export const exportFolder = (insurerId: string, period: ExportPeriod, format: ExportFormat) =>
  `${insurerPrefix(insurerId)}${periodFolder(period)}/${format}/`;

/** Progress of a long export: a phase and how far it is, 0..1. */
export type ExportProgress = (phase: string, done: number, total: number) => void;

/**
 * Builds one insurer's export of a period from the anonymous aggregates of its regions, writes
 * the files and the signed manifest, and audits it. The same function serves the schedule, the
 * on-demand route and `dashnet export`.
 */
export async function exportForInsurer(
  deps: Pick<AppDeps, 'insights' | 'audit' | 'clock'>,
  x: ExportDeps,
  req: {
    insurer: InsurerEntry;
    period: ExportPeriod;
    format: ExportFormat;
    actor: { role: string; id: string };
  },
  progress: ExportProgress = () => {},
): Promise<{ folder: string; manifest: ExportManifest }> {
  const { insurer, period, format } = req;
  const regions: BBox[] = insurer.regions;
  const partitions = new Set(regions.flatMap((r) => cellsCoveringBBox(r, INSIGHTS_PARTITION_RESOLUTION)));
  progress('partitions', 0, 1);
  const seen = await deps.insights.seenCells(partitions);
  const { fromDay, toDay } = periodDays(period);
  progress('days', 0, 2);
  const days = await deps.insights.days(seen.keys(), fromDay, toDay);
  progress('speeds', 1, 2);
  const speedItems = await deps.insights.speedHoursInRange(
    seen.keys(),
    Math.floor(Date.parse(period.from) / HOUR_MS),
    Math.floor(Date.parse(period.to) / HOUR_MS) - 1,
  );
  progress('tables', 2, 2);
  const inRegion = (cell: string) => {
    const [lat, lng] = cellToLatLng(cell);
    return regions.some((r) => bboxContains(r, lat, lng));
  };
  const network = x.network();
  const tables = buildExportTables({ days, speedItems, inRegion, roadCells: network.cells, k: DEFAULT_K });
  const built = await buildSignedExport({
    tables,
    format,
    insurerId: insurer.insurerId,
    period,
    generatedAtMs: deps.clock(),
    k: DEFAULT_K,
    roadNetwork: { source: network.source, attribution: network.attribution },
    seed: await x.seed(),
  });
  const folder = exportFolder(insurer.insurerId, period, format);
  const type = format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet';
  for (const [i, f] of built.files.entries()) {
    await x.store.put(`${folder}${f.name}`, f.bytes, type);
    progress('write', i + 1, built.files.length + 1);
  }
  // Written last: a folder with a manifest is complete (listings skip folders without one).
  await x.store.put(
    `${folder}manifest.json`,
    new TextEncoder().encode(JSON.stringify(built.manifest, null, 2)),
    'application/json',
  );
  progress('write', built.files.length + 1, built.files.length + 1);
  await deps.audit.append({
    at: isoOf(deps.clock()),
    actor: req.actor,
    action: 'insurer.export',
    target: `insurer:${insurer.insurerId}`,
    details: {
      period: `${period.kind}:${fromDay}..${toDay}`,
      format,
      rows: built.manifest.files.reduce((n, f) => n + f.rows, 0),
    },
  });
  return { folder, manifest: built.manifest };
}

/** What a scheduled run did. */
export interface ExportRunReport {
  written: number;
  skipped: number;
  /** Insurers without regions: nothing to export. */
  noRegion: number;
}

/**
 * The schedule: for every insurer with regions, yesterday's and last month's exports in every
 * format, each written once (a folder with a manifest is not rewritten).
 */
export async function runScheduledExports(
  deps: ScheduledExportDeps,
  x: ExportDeps,
  nowMs: number,
): Promise<ExportRunReport> {
  const report: ExportRunReport = { written: 0, skipped: 0, noRegion: 0 };
  for (const insurer of await listInsurers(deps.clients.ddb, deps.names.identityTable)) {
    if (insurer.regions.length === 0) {
      report.noRegion++;
      continue;
    }
    for (const period of duePeriods(nowMs, EXPORT_SETTLE_MS)) {
      for (const format of SCHEDULED_FORMATS) {
        const folder = exportFolder(insurer.insurerId, period, format);
        if (await x.store.get(`${folder}manifest.json`)) {
          report.skipped++;
          continue;
        }
        await exportForInsurer(deps, x, {
          insurer,
          period,
          format,
          actor: { role: 'system', id: 'insightsExport' },
        });
        report.written++;
      }
    }
  }
  return report;
}

/** The scheduled function (hourly on AWS; see SCHEDULES). */
/** The aggregates, the audit log, the clock, and the insurer list (an Identity Scan). */
export type ScheduledExportDeps = Pick<AppDeps, 'insights' | 'audit' | 'clock' | 'clients'> & {
  names: Pick<ResourceNames, 'identityTable'>;
};

export function createInsightsExportHandler(deps: ScheduledExportDeps, x: ExportDeps = exportDepsFromEnv()) {
  return middy<unknown, ExportRunReport>().handler(() => runScheduledExports(deps, x, deps.clock()));
}

let entry: ReturnType<typeof createInsightsExportHandler> | undefined;
/** Lambda entry point. */
export const handler = (event: unknown, context: import('aws-lambda').Context) => {
  entry ??= createInsightsExportHandler(pickDeps(lambdaDeps(), 'insightsExport'));
  return entry(event, context);
};
