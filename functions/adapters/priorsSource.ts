import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { compareVersions } from '../../lib/contract/artefact.ts';
import type { PriorTileCandidate } from '../../lib/priors/buildPriorTile.ts';
import type { PriorCandidateSink } from '../../lib/priors/priorsJob.ts';
import type { PriorsSource } from '../../lib/priors/priorsSource.ts';
import type { InsightsStore } from './insightsStore.ts';
import { queryAll } from './queryAll.ts';

/**
 * The prior-tile builder's view of the insights tables: the partitions ever observed (the
 * `seen#` items, one BatchGetItem per 100 partitions) and their anonymous day aggregates (one
 * Query per partition). Nothing pseudonymous is read.
 */
export function priorsSourceOf(store: Pick<InsightsStore, 'seenCells' | 'days'>): PriorsSource {
  return {
    async observedPartitions(candidates) {
      const seen = await store.seenCells(candidates);
      return candidates.filter((c) => seen.has(c));
    },
    days: (partitions, fromDay, toDay) => store.days(partitions, fromDay, toDay),
  };
}

/**
 * Unsigned prior-tile candidates, in the insights table beside the aggregates they come from
 * (pk `priors#candidate#<region>`, sk the version): the scheduled builder writes them, an operator
 * reads one, signs it offline (`dashnet priors sign`) and publishes it. A rebuild of the same
 * version overwrites (same inputs, same bytes).
 */
export class PriorCandidateStore implements PriorCandidateSink {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putCandidate(region: string, c: PriorTileCandidate): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `priors#candidate#${region}`,
          sk: c.version,
          name: c.name,
          version: c.version,
          createdAt: c.createdAt,
          cameraModels: c.cameraModels,
          provenance: c.provenance,
          bytes: Buffer.from(c.bytes).toString('base64'),
        },
      }),
    );
  }

  /** A region's candidates, oldest version first. */
  async candidates(region: string): Promise<PriorTileCandidate[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `priors#candidate#${region}` },
    });
    const out: PriorTileCandidate[] = items.map((i) => ({
      name: String(i.name),
      version: String(i.version),
      createdAt: String(i.createdAt),
      cameraModels: (i.cameraModels as string[]) ?? ['*'],
      provenance: i.provenance as PriorTileCandidate['provenance'],
      bytes: new Uint8Array(Buffer.from(String(i.bytes), 'base64')),
    }));
    // Versions are compared by their numbers: as text, 2026.1130.0 would sort before 2026.130.0.
    return out.sort((a, b) => compareVersions(a.version, b.version));
  }
}
