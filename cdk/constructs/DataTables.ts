import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyDef, physicalName, TABLES, type TableDef } from '../../lib/resources.ts';

export interface DataTablesProps {
  stage: string;
  removalPolicy: RemovalPolicy;
  /** Refuse `DeleteTable` (prod): a stack mistake must not drop a year of hazards. */
  deletionProtection: boolean;
}

const attr = (k: KeyDef): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/**
 * Every table of TABLES, created from its shared definition: key schema, sort key, TTL
 * attribute and GSIs are read from `lib/resources.ts`, never restated here.
 *
 * - On-demand: traffic follows daylight and rush hours; on-demand scales per request with no
 *   capacity planning and costs nothing at rest (see docs/aws.md for the break-even).
 * - Point-in-time recovery: 35 days of restorable history against a bad deploy or a bug.
 * - Encryption with the AWS-managed key (`aws/dynamodb`): key use is visible in CloudTrail,
 *   unlike the default AWS-owned key, without a key policy to maintain.
 */
export class DataTables extends Construct {
  private readonly byId = new Map<string, dynamodb.Table>();

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    for (const def of TABLES) {
      const table = new dynamodb.Table(this, def.id, {
        tableName: physicalName(props.stage, def.id),
        partitionKey: attr(def.partitionKey),
        ...(def.sortKey ? { sortKey: attr(def.sortKey) } : {}),
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      });
      for (const gsi of def.globalIndexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: gsi.name,
          partitionKey: attr(gsi.partitionKey),
          ...(gsi.sortKey ? { sortKey: attr(gsi.sortKey) } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      this.byId.set(def.id, table);
    }
  }

  /** The table created for a shared definition. */
  table(def: TableDef): dynamodb.Table {
    const table = this.byId.get(def.id);
    if (!table)
      throw new Error(`table ${def.id} is granted to a function but is not in TABLES (lib/resources.ts)`);
    return table;
  }

  /** All tables, in TABLES order. */
  all(): { def: TableDef; table: dynamodb.Table }[] {
    return TABLES.map((def) => ({ def, table: this.table(def) }));
  }
}
