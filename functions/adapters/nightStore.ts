import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent } from 'h3-js';
import { compareVersions } from '../../lib/contract/artefact.ts';
import { INSIGHTS_PARTITION_RESOLUTION } from '../../lib/insights/contributions.ts';
import type { IspProfileCandidate } from '../../lib/night/calibration.ts';
import type { CellNightDay } from '../../lib/night/lightingClass.ts';
import type { NightBin, NightDayAggregate } from '../../lib/night/nightAggregate.ts';
import type { NightObservation } from '../../lib/night/nightObservations.ts';
import type { NightGroup, NightRepository } from '../../lib/night/nightRollup.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';
import { rawExpiresAtS } from './insightsStore.ts';
import { queryAll } from './queryAll.ts';

/** Concurrent requests per call, as in InsightsStore. */
const CONCURRENCY = 16;
/**
 * Raw observations of a day are spread over 16 partition keys by the first hex digit of the
 * event id: a large fleet's night reports (one per camera per 10 minutes) stay far below a
 * DynamoDB partition's 1000 writes/s (DynamoDB developer guide, "Partitions and data distribution").
 */
const SHARDS = '0123456789abcdef';
/**
 * Bins per item of a day's aggregate: a bin is ~170 bytes in DynamoDB, so 1000 stay well under
 * the 400 KB item limit (DynamoDB developer guide, "Service, account, and table quotas"); a day
 * with more bins spans several items.
 */
const BINS_PER_ITEM = 1000;

/**
 * Night data in the insights tables, next to the insurer insights and with the same rules.
 *
 * - Raw (`InsightsRaw`): one item per `night_scene` event, pk `night#<day>#<shard>`, sk the event
 *   id — a replayed record overwrites its items, so each event counts once. It carries the
 *   day's pseudonym in `p` (distinct cameras, per-camera medians), so the deletion worker's
 *   sweep of that table finds it, and it expires with the day's raw retention.
 * - Anonymous (`Insights`): per res-8 partition the cells' night brightness per day (pk
 *   `night#cell#<res-8>`, sk `<day>#<cell>`: distinct cameras and a median, no pseudonym); per
 *   (camera model, firmware) the day's bins (pk `night#agg#<model>#<firmware>`, sk `<day>`); and
 *   the list of groups (pk `night#groups`); the calibration's unsigned profile candidates (pk
 *   `night#candidate#<model>#<firmware>`, sk the version) for an operator to sign and publish.
 */
export class NightStore implements NightRepository {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly rawTable: string,
    private readonly table: string,
  ) {}

  /**
   * Stores observations, keyed by event id (exactly-once by overwrite). Observations whose day's
   * raw retention has already passed are skipped, as for contributions. Returns how many were written.
   */
  async putObservations(observations: readonly NightObservation[], nowMs: number): Promise<number> {
    const nowS = Math.floor(nowMs / 1000);
    const live = observations.filter((o) => rawExpiresAtS(o.day) > nowS);
    await mapLimit(live, CONCURRENCY, async (o) => {
      await this.ddb.send(
        new PutCommand({
          TableName: this.rawTable,
          Item: {
            pk: `night#${o.day}#${shardOf(o.eventId)}`,
            sk: o.eventId,
            p: o.pseudonym,
            cell: o.cell,
            m: o.cameraModel,
            f: o.firmware,
            l: o.meanLuma,
            s: o.noiseSigma,
            e: o.exposureMs,
            g: o.gain,
            expiresAt: rawExpiresAtS(o.day),
          },
        }),
      );
    });
    return live.length;
  }

  async observationsOf(day: string): Promise<NightObservation[]> {
    const pages = await mapLimit([...SHARDS], CONCURRENCY, (shard) =>
      this.queryAll(this.rawTable, 'pk = :pk', { ':pk': `night#${day}#${shard}` }),
    );
    return pages.flat().map((i) => ({
      eventId: String(i.sk),
      pseudonym: String(i.p),
      day,
      cell: String(i.cell),
      cameraModel: String(i.m),
      firmware: String(i.f),
      meanLuma: Number(i.l),
      noiseSigma: Number(i.s),
      exposureMs: Number(i.e),
      gain: Number(i.g),
    }));
  }

  async putCellDays(days: readonly CellNightDay[]): Promise<void> {
    await mapLimit(days, CONCURRENCY, async (d) => {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `night#cell#${cellToParent(d.cell, INSIGHTS_PARTITION_RESOLUTION)}`,
            sk: `${d.day}#${d.cell}`,
            cameras: d.cameras,
            logLuminance: d.logLuminance,
          },
        }),
      );
    });
  }

  async cellHistory(cells: readonly string[], fromDay: string, toDay: string): Promise<CellNightDay[]> {
    const wanted = new Set(cells);
    const partitions = [...new Set(cells.map((c) => cellToParent(c, INSIGHTS_PARTITION_RESOLUTION)))];
    const pages = await mapLimit(partitions, CONCURRENCY, (partition) =>
      this.queryAll(this.table, 'pk = :pk AND sk BETWEEN :a AND :b', {
        ':pk': `night#cell#${partition}`,
        ':a': `${fromDay}#`,
        ':b': `${toDay}#~`,
      }),
    );
    const out: CellNightDay[] = [];
    for (const i of pages.flat()) {
      const [day, cell] = String(i.sk).split('#') as [string, string];
      if (wanted.has(cell))
        out.push({ cell, day, cameras: Number(i.cameras), logLuminance: Number(i.logLuminance) });
    }
    return out;
  }

  async putDayAggregates(aggregates: readonly NightDayAggregate[]): Promise<void> {
    await mapLimit(aggregates, CONCURRENCY, async (a) => {
      const pk = `night#agg#${a.cameraModel}#${a.firmware}`;
      const parts: NightBin[][] = [];
      for (let i = 0; i < a.bins.length || parts.length === 0; i += BINS_PER_ITEM)
        parts.push(a.bins.slice(i, i + BINS_PER_ITEM));
      // The head item says how many parts the day has; parts past it, left by an earlier fold
      // with more bins, are ignored on read and overwritten by the next fold that needs them.
      await mapLimit(parts, CONCURRENCY, async (bins, k) => {
        await this.ddb.send(
          new PutCommand({
            TableName: this.table,
            Item:
              k === 0
                ? {
                    pk,
                    sk: a.day,
                    cameraModel: a.cameraModel,
                    firmware: a.firmware,
                    cameras: a.cameras,
                    reports: a.reports,
                    parts: parts.length,
                    bins,
                  }
                : { pk, sk: `${a.day}#${k}`, bins },
          }),
        );
      });
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: 'night#groups',
            sk: `${a.cameraModel}#${a.firmware}`,
            cameraModel: a.cameraModel,
            firmware: a.firmware,
          },
        }),
      );
    });
  }

  async groups(): Promise<NightGroup[]> {
    const items = await this.queryAll(this.table, 'pk = :pk', { ':pk': 'night#groups' });
    return items.map((i) => ({ cameraModel: String(i.cameraModel), firmware: String(i.firmware) }));
  }

  async dayAggregates(group: NightGroup, fromDay: string, toDay: string): Promise<NightDayAggregate[]> {
    const items = await this.queryAll(this.table, 'pk = :pk AND sk BETWEEN :a AND :b', {
      ':pk': `night#agg#${group.cameraModel}#${group.firmware}`,
      ':a': fromDay,
      ':b': `${toDay}#~`,
    });
    const parts = new Map<string, NightBin[]>();
    for (const i of items) if (String(i.sk).includes('#')) parts.set(String(i.sk), i.bins as NightBin[]);
    return items
      .filter((i) => !String(i.sk).includes('#'))
      .map((i) => {
        const day = String(i.sk);
        const bins = [...(i.bins as NightBin[])];
        for (let k = 1; k < Number(i.parts ?? 1); k++) bins.push(...(parts.get(`${day}#${k}`) ?? []));
        return {
          cameraModel: group.cameraModel,
          firmware: group.firmware,
          day,
          cameras: Number(i.cameras),
          reports: Number(i.reports),
          bins,
        };
      });
  }

  async putCandidate(candidate: IspProfileCandidate): Promise<void> {
    const p = candidate.profile;
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `night#candidate#${p.cameraModel}#${p.firmware}`,
          sk: candidate.version,
          profile: p,
          version: candidate.version,
          createdAt: candidate.createdAt,
          provenance: candidate.provenance,
        },
      }),
    );
  }

  /** A group's stored candidates, newest version last. */
  async candidates(group: NightGroup): Promise<IspProfileCandidate[]> {
    const items = await this.queryAll(this.table, 'pk = :pk', {
      ':pk': `night#candidate#${group.cameraModel}#${group.firmware}`,
    });
    return items
      .map((i) => ({
        profile: i.profile as IspProfileCandidate['profile'],
        version: String(i.version),
        createdAt: String(i.createdAt),
        provenance: i.provenance as IspProfileCandidate['provenance'],
      }))
      .sort((a, b) => compareVersions(a.version, b.version));
  }

  private queryAll(table: string, condition: string, values: Record<string, unknown>) {
    return queryAll(this.ddb, {
      TableName: table,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
    });
  }
}

function shardOf(eventId: string): string {
  const c = eventId.charAt(0).toLowerCase();
  return SHARDS.includes(c) ? c : '0';
}
