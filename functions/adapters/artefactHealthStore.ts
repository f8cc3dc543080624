import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ArtefactKind } from '../../lib/contract/artefact.ts';
import type { HealthIncrement, Strata, StratumCounts } from '../../lib/ota/healthCounts.ts';
import { mapLimit } from '../../lib/util/mapLimit.ts';

/** Health counts live two weeks: longer than any stage waits for evidence, short enough to hold no history. */
export const HEALTH_RETENTION_S = 14 * 86_400;

/** One arm of one rollout stage: `h#<kind>#<name>#<candidate>@<stage>#<version the cameras ran>`. */
const pk = (kind: ArtefactKind, name: string, candidate: string, stage: number, version: string) =>
  `h#${kind}#${name}#${candidate}@${stage}#${version}`;

/**
 * Health counts per artefact version and stratum (`ARTEFACT_HEALTH_TABLE`): ingest adds, the
 * rollout controller reads. Counters only add (`ADD`), so concurrent batches never lose a count
 * and no read precedes a write.
 */
export class ArtefactHealthStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds a batch's counts: one UpdateItem per (version, stratum) the batch touched. */
  async add(increments: readonly HealthIncrement[], nowMs: number): Promise<void> {
    const writes = increments.flatMap((inc) => [...inc.strata].map(([sk, c]) => ({ inc, sk, c })));
    await mapLimit(writes, 8, async ({ inc, sk, c }) => {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: pk(inc.kind, inc.name, inc.candidate, inc.stage, inc.version), sk },
          UpdateExpression: 'ADD exposureMin :e, alerts :a, nearMisses :n, errors :x SET expiresAt = :t',
          ExpressionAttributeValues: {
            ':e': c.exposureMin,
            ':a': c.alerts,
            ':n': c.nearMisses,
            ':x': c.errors,
            ':t': Math.floor(nowMs / 1000) + HEALTH_RETENTION_S,
          },
        }),
      );
    });
  }

  /** The strata of one arm (`version`) of a rollout stage (`candidate` at `stage`). */
  async strata(
    kind: ArtefactKind,
    name: string,
    candidate: string,
    stage: number,
    version: string,
  ): Promise<Strata> {
    const out: Strata = new Map();
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk(kind, name, candidate, stage, version) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) {
        const counts: StratumCounts = {
          exposureMin: Number(item.exposureMin ?? 0),
          alerts: Number(item.alerts ?? 0),
          nearMisses: Number(item.nearMisses ?? 0),
          errors: Number(item.errors ?? 0),
        };
        out.set(String(item.sk), counts);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
