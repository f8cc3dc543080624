import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ARTEFACT_KINDS, type ArtefactKind } from '../../lib/contract/artefact.ts';
import { OtaError } from '../../lib/ota/otaError.ts';
import type { ArtefactLine, ArtefactVersionRecord } from '../../lib/ota/registry.ts';

/** A version as a sort key that orders like the version: `1.10.0` after `1.9.0`, pre-releases first. */
export function versionSortKey(version: string): string {
  const [core, pre] = version.split('-', 2) as [string, string | undefined];
  const parts = core.split('.').map((p) => p.padStart(6, '0'));
  // `~` sorts after every pre-release character, so 1.0.0 comes after 1.0.0-rc.1.
  return `${parts.join('.')}${pre === undefined ? '~' : `-${pre}`}`;
}

const linePk = (kind: ArtefactKind) => `lines#${kind}`;
const versionsPk = (kind: ArtefactKind, name: string) => `versions#${kind}#${name}`;

/**
 * The artefact registry in DynamoDB (`ARTEFACTS_TABLE`): line items carry the rollout state and
 * change only by a conditional put on their revision (two operators, or an operator and the
 * controller, acting at once: one wins, the other gets `CONFLICT` and retries on fresh state);
 * version items are written once, conditionally, and never changed.
 */
export class ArtefactRegistryStore {
  private active: { atMs: number; lines: Promise<ArtefactLine[]> } | undefined;

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long `activeRollouts` may serve a cached answer (ingest calls it on every batch). */
    private readonly activeCacheMs = 60_000,
  ) {}

  async line(kind: ArtefactKind, name: string): Promise<ArtefactLine | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: linePk(kind), sk: name },
        ConsistentRead: true,
      }),
    );
    return res.Item ? toLine(res.Item) : undefined;
  }

  /** Every line of a kind (one Query). */
  async lines(kind: ArtefactKind): Promise<ArtefactLine[]> {
    const out: ArtefactLine[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': linePk(kind) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) out.push(toLine(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Lines with a candidate rolling out, cached for `activeCacheMs` (read by ingest on every batch). */
  activeRollouts(nowMs: number): Promise<ArtefactLine[]> {
    if (!this.active || nowMs - this.active.atMs >= this.activeCacheMs) {
      const lines = Promise.all(ARTEFACT_KINDS.map((k) => this.lines(k))).then((all) =>
        all.flat().filter((l) => l.candidate !== undefined),
      );
      // A failed read is not cached: the next batch asks again.
      lines.catch(() => {
        this.active = undefined;
      });
      this.active = { atMs: nowMs, lines };
    }
    return this.active.lines;
  }

  /**
   * Stores `next` if the stored line is still at `expectedRevision` (0: absent). Throws
   * `CONFLICT` when someone changed it meanwhile.
   */
  async putLine(next: ArtefactLine, expectedRevision: number): Promise<void> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: linePk(next.kind), sk: next.name, ...next },
          ConditionExpression: expectedRevision === 0 ? 'attribute_not_exists(pk)' : 'revision = :r',
          ...(expectedRevision === 0 ? {} : { ExpressionAttributeValues: { ':r': expectedRevision } }),
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException')
        throw new OtaError('CONFLICT', `${next.kind}/${next.name} changed meanwhile; retry`);
      throw err;
    }
  }

  /** Stores a version once; `ALREADY_PUBLISHED` if it exists. */
  async putVersion(record: ArtefactVersionRecord): Promise<void> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: versionsPk(record.kind, record.name), sk: versionSortKey(record.version), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException')
        throw new OtaError('ALREADY_PUBLISHED', `${record.name} ${record.version} is already published`);
      throw err;
    }
  }

  async version(
    kind: ArtefactKind,
    name: string,
    version: string,
  ): Promise<ArtefactVersionRecord | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: versionsPk(kind, name), sk: versionSortKey(version) },
      }),
    );
    return res.Item ? toVersion(res.Item) : undefined;
  }

  /** The newest versions of a line first, at most `limit`. */
  async versions(kind: ArtefactKind, name: string, limit = 20): Promise<ArtefactVersionRecord[]> {
    const res = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': versionsPk(kind, name) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map(toVersion);
  }
}

function toLine(item: Record<string, unknown>): ArtefactLine {
  const { pk: _pk, sk: _sk, ...line } = item;
  return line as unknown as ArtefactLine;
}

function toVersion(item: Record<string, unknown>): ArtefactVersionRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as ArtefactVersionRecord;
}
