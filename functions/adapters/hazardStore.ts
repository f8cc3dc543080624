import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cellToParent } from 'h3-js';
import type { HazardKind } from '../../lib/contract/hazards.ts';
import { HAZARD_AREA_RESOLUTION, type HazardReader } from '../../lib/hazards/hazardQuery.ts';
import type { HazardRecord } from '../../lib/hazards/hazardRecord.ts';
import { parseSector } from '../../lib/hazards/headingSector.ts';
import type { SignalKind } from '../../lib/hazards/signals.ts';
import type { HazardRepository } from '../../lib/stream/applyRecords.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';
import { queryAll } from './queryAll.ts';

/** Hazard history is kept a year (claims handlers ask about incidents months later). */
export const HAZARD_RETENTION_S = 366 * 24 * 3600;

/** Area of a cell: its res-5 parent. */
export function areaOfCell(cell: string): string {
  return cellToParent(cell, HAZARD_AREA_RESOLUTION);
}

function monthOf(ms: number): string {
  return isoOf(ms, 'month');
}

type Item = Record<string, unknown>;

function toItem(h: HazardRecord, activeArea: string | undefined): Item {
  return {
    pk: `${areaOfCell(h.cell)}#${monthOf(h.firstSeenMs)}`,
    sk: h.id,
    id: h.id,
    kind: h.kind,
    signal: h.signal,
    cell: h.cell,
    sector: String(h.sector),
    lat: h.lat,
    lng: h.lng,
    firstSeenMs: h.firstSeenMs,
    lastSeenMs: h.lastSeenMs,
    clearedAtMs: h.clearedAtMs,
    cameras: h.cameras,
    confidence: h.confidence,
    activeArea,
    expiresAt: Math.floor(h.firstSeenMs / 1000) + HAZARD_RETENTION_S,
  };
}

function fromItem(item: Item): HazardRecord {
  const h: HazardRecord = {
    id: String(item.id),
    kind: item.kind as HazardKind,
    signal: item.signal as SignalKind,
    cell: String(item.cell),
    sector: parseSector(String(item.sector)),
    lat: Number(item.lat),
    lng: Number(item.lng),
    firstSeenMs: Number(item.firstSeenMs),
    lastSeenMs: Number(item.lastSeenMs),
    cameras: Number(item.cameras),
    confidence: Number(item.confidence),
  };
  if (item.clearedAtMs !== undefined) h.clearedAtMs = Number(item.clearedAtMs);
  return h;
}

/**
 * Hazards in DynamoDB: pk = area#month of first sighting (history), sparse GSI `active` on
 * `activeArea` for the hazards not yet cleared. Creation is conditional on the deterministic
 * id, so two invocations racing on the same incident make one hazard.
 */
export class HazardStore implements HazardRepository, HazardReader {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly activeIndex = 'active',
  ) {}

  areaOf(cell: string): string {
    return areaOfCell(cell);
  }

  /** Hazards not yet cleared in the given areas (eventually consistent: a GSI). */
  async listActive(areas: Iterable<string>): Promise<HazardRecord[]> {
    const lists = await mapLimit([...new Set(areas)], 8, (area) =>
      queryAll(this.ddb, {
        TableName: this.tableName,
        IndexName: this.activeIndex,
        KeyConditionExpression: 'activeArea = :a',
        ExpressionAttributeValues: { ':a': area },
      }),
    );
    return lists.flat().map(fromItem);
  }

  /** Every hazard first seen in the given areas and months (history), TTL-expired ones excluded. */
  async listHistory(
    areas: Iterable<string>,
    months: readonly string[],
    nowMs: number,
  ): Promise<HazardRecord[]> {
    const keys = [...new Set(areas)].flatMap((a) => months.map((m) => `${a}#${m}`));
    const lists = await mapLimit(keys, 8, (pk) =>
      queryAll(this.ddb, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    const nowS = Math.floor(nowMs / 1000);
    return lists
      .flat()
      .filter((i) => Number(i.expiresAt ?? Number.POSITIVE_INFINITY) > nowS)
      .map(fromItem);
  }

  /** Creates a hazard unless one with its id exists; returns false when it already did. */
  async create(h: HazardRecord): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(h, h.clearedAtMs === undefined ? areaOfCell(h.cell) : undefined),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Updates the evidence of a hazard. Conditional on not moving `lastSeenMs` backwards, so an
   * older replay cannot undo a newer update; clearing removes it from the active index.
   */
  async update(h: HazardRecord): Promise<void> {
    const item = toItem(h, undefined);
    const cleared = h.clearedAtMs !== undefined;
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: cleared
            ? 'SET lastSeenMs = :l, cameras = :c, confidence = :f, clearedAtMs = :x REMOVE activeArea'
            : 'SET lastSeenMs = :l, cameras = :c, confidence = :f',
          ConditionExpression: 'attribute_exists(pk) AND lastSeenMs <= :l',
          ExpressionAttributeValues: {
            ':l': h.lastSeenMs,
            ':c': h.cameras,
            ':f': h.confidence,
            ...(cleared ? { ':x': h.clearedAtMs } : {}),
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return;
      throw err;
    }
  }
}
