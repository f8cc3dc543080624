import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, type AuditFact, chainEntry } from '../../lib/audit/hashChain.ts';

const CHAIN = 'chain';

/**
 * The append-only audit log: one hash chain in one partition, seq as sort key. An append reads
 * the head and puts seq+1 under `attribute_not_exists` — two concurrent appenders cannot both
 * take a seq, the loser re-reads the head and chains after the winner. No transactions needed
 * (dynalite has none). Nothing here updates or deletes; on AWS the functions get only
 * PutItem/Query on this table (see the IAM note in docs/privacy.md).
 * Throughput: one partition takes ~1,000 writes/s, far above audited actions (operator actions,
 * insurer queries); if insurer traffic grew past that, chain per day and anchor each day's head.
 */
export class AuditStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sha256: (data: string) => string,
  ) {}

  /** Appends a fact; returns the chained entry. */
  async append(fact: AuditFact): Promise<AuditEntry> {
    for (let attempt = 0; ; attempt++) {
      const head = await this.head();
      const entry = chainEntry(head, fact, this.sha256);
      try {
        await this.ddb.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: CHAIN, ...entry },
            ConditionExpression: 'attribute_not_exists(seq)',
          }),
        );
        return entry;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException) || attempt >= 20) throw err;
        // The SDK retries a put whose answer was lost, and the retry fails its condition against
        // the call's own first write: that entry is ours, chaining the fact again would log it twice.
        const now = await this.head();
        if (now?.seq === entry.seq && now.hash === entry.hash) return entry;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
  }

  /** The latest entry, or undefined for an empty log. */
  async head(): Promise<AuditEntry | undefined> {
    const res = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :c',
        ExpressionAttributeValues: { ':c': CHAIN },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = res.Items?.[0];
    return item ? toEntry(item) : undefined;
  }

  /** Every entry in seq order (paged reads). */
  async all(): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :c',
          ExpressionAttributeValues: { ':c': CHAIN },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) out.push(toEntry(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, ...rest } = item;
  return rest as unknown as AuditEntry;
}
