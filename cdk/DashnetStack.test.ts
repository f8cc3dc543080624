import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CfnResource, Duration, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionId, type FunctionSpec, ROUTES, SCHEDULES } from '../lib/api/functions.ts';
import { AUTHZ_MATRIX } from '../lib/auth/authzMatrix.ts';
import { METRIC } from '../lib/config/metricNames.ts';
import {
  AGGREGATOR_ESM,
  ENV,
  physicalName,
  RATE_LIMITS_TABLE,
  TABLES,
  TELEMETRY_STREAM,
} from '../lib/resources.ts';
import { ROUTE_THROTTLES } from './constructs/HttpApi.ts';
import { createApp } from './createApp.ts';
import { REPO_ROOT } from './repoRoot.ts';
import { accessOf, type DashnetStack } from './stacks/DashnetStack.ts';

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}

const STAGE = 'test';
const FUNCTION_IDS = Object.keys(FUNCTIONS) as FunctionId[];

let outdir: string;
let stack: DashnetStack;
let template: Template;
let resources: Record<string, { Type: string; Properties: Json; Metadata?: Json }>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnResource);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'dashnet-cdk-'));
  // nag: false here — the pack runs below through validateScope, which reports findings as data.
  const created = createApp({
    outdir,
    nag: false,
    context: {
      stage: STAGE,
      minify: 'false',
      alarmEmail: 'ops@example.com',
      ingestFloorRecordsPer15Min: 100,
      'aws:cdk:enable-asset-metadata': true,
    },
  });
  stack = created.stack;
  created.app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('DashnetStack resources', () => {
  it('creates exactly the resources the design calls for', () => {
    const counts: Record<string, number> = {};
    for (const r of Object.values(resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    const fns = FUNCTION_IDS.length;
    const alarms =
      2 /* iterator age, one per stream consumer */ +
      3 /* leaving the pipeline */ +
      2 * fns +
      TABLES.length +
      1 /* 5xx */ +
      2 /* ingest */ +
      3; /* dashnet's EMF metrics: poison, consumer batch failures, rejected share */
    expect(counts).toEqual({
      'AWS::ApiGatewayV2::Api': 1,
      'AWS::ApiGatewayV2::Integration': new Set(ROUTES.map((r) => r.fn)).size,
      'AWS::ApiGatewayV2::Route': ROUTES.length,
      'AWS::ApiGatewayV2::Stage': 1,
      'AWS::CloudWatch::Alarm': alarms,
      'AWS::CloudWatch::Dashboard': 1,
      'AWS::DynamoDB::Table': TABLES.length,
      'AWS::IAM::Policy': fns,
      'AWS::IAM::Role': fns,
      'AWS::KMS::Key': 2,
      'AWS::Kinesis::Stream': 1,
      'AWS::Lambda::EventSourceMapping': 2 /* aggregator, insights consumer */,
      'AWS::Lambda::Function': fns,
      'AWS::Lambda::Permission': ROUTES.length + Object.keys(SCHEDULES).length,
      'AWS::Events::Rule': Object.keys(SCHEDULES).length,
      'AWS::Logs::LogGroup': fns + 1,
      'AWS::S3::Bucket': 4 /* access logs, artifacts, failures, insurer exports */,
      'AWS::S3::BucketPolicy': 4,
      'AWS::SNS::Subscription': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SecretsManager::Secret': 2 /* operator token, export signing key */,
    });
  });

  it('creates every table from its shared definition: keys, GSIs, TTL, on-demand, PITR, encryption', () => {
    for (const def of TABLES) {
      const keySchema = [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ];
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: physicalName(STAGE, def.id),
        KeySchema: keySchema,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled without a key: KMS with the AWS-managed aws/dynamodb key (not the AWS-owned default).
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
        TimeToLiveSpecification: def.ttlAttribute
          ? { AttributeName: def.ttlAttribute, Enabled: true }
          : Match.absent(),
        GlobalSecondaryIndexes: def.globalIndexes
          ? def.globalIndexes.map((g) =>
              Match.objectLike({
                IndexName: g.name,
                KeySchema: [
                  { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
                  ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' }] : []),
                ],
              }),
            )
          : Match.absent(),
      });
    }
  });

  it('creates the telemetry stream on demand, KMS-encrypted with a rotating customer key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: physicalName(STAGE, TELEMETRY_STREAM.id),
      RetentionPeriodHours: TELEMETRY_STREAM.retentionHours,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [logicalId(stack.telemetry.key), 'Arn'] },
      },
      ShardCount: Match.absent(),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const [, key] of ofType('AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('makes every bucket private, TLS-only, encrypted, logged (except the log bucket) and retained', () => {
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
      expect((resources[id] as Json).DeletionPolicy).toBe('Retain');
    }
    for (const b of [stack.artifacts, stack.failures]) {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
        MetricsConfigurations: b === stack.failures ? [{ Id: 'All' }] : Match.absent(),
      });
    }
    for (const [, policy] of ofType('AWS::S3::BucketPolicy')) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets only the export functions reach the exports bucket, under the insurer prefix, listing by prefix', () => {
    const bucketId = logicalId(stack.exports.bucket);
    for (const [, policy] of ofType('AWS::IAM::Policy')) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const onExports = statements.filter((st) => JSON.stringify(st.Resource ?? '').includes(bucketId));
      const roles = JSON.stringify(policy.Properties.Roles);
      const isExporter = ['insightsExports', 'insightsExport'].some((fid) =>
        roles.includes(logicalId(stack.functions[fid as FunctionId].role)),
      );
      if (!isExporter) {
        expect(onExports).toEqual([]);
        continue;
      }
      expect(onExports.flatMap(actionsOf).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
      expect(JSON.stringify(onExports)).toContain('/insurers/*');
      expect(JSON.stringify(onExports)).toContain('"s3:prefix":["insurers/*"]');
    }
  });

  it('generates the operator token in Secrets Manager as a plain string', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: physicalName(STAGE, 'operator-token'),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    const secret = ofType('AWS::SecretsManager::Secret')[0]![1];
    expect((secret.Properties.GenerateSecretString as Json).SecretStringTemplate).toBeUndefined();
  });
});

/** Loads a bundle once (functions sharing an entry share the asset). */
const bundles = new Map<string, Record<string, unknown>>();
function loadBundle(file: string): Record<string, unknown> {
  let mod = bundles.get(file);
  if (!mod) {
    mod = createRequire(import.meta.url)(file) as Record<string, unknown>;
    bundles.set(file, mod);
  }
  return mod;
}

describe('functions', () => {
  it('bundles each function from FUNCTIONS[id].entry: the module the local stack runs', () => {
    for (const id of FUNCTION_IDS) {
      const hf = stack.functions[id];
      expect(hf.functionId).toBe(id);
      expect(hf.entry).toBe(FUNCTIONS[id].entry);
      // The bundle's source map names the entry file by path, and the bundle exports the handler.
      const res = resources[logicalId(hf.fn)]!;
      const assetDir = join(outdir, String(res.Metadata?.['aws:asset:path']));
      const map = JSON.parse(readFileSync(join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
      const sources = map.sources.map((s) => resolve(assetDir, s));
      expect(sources).toContain(join(REPO_ROOT, FUNCTIONS[id].entry));
      const bundle = loadBundle(join(assetDir, 'index.js'));
      expect(typeof bundle[FUNCTIONS[id].handler]).toBe('function');
      expect(res.Properties.Handler).toBe(`index.${FUNCTIONS[id].handler}`);
    }
  });

  it('runs every function on Node 22 / arm64 with its memory, timeout, tracing and JSON logs', () => {
    for (const id of FUNCTION_IDS) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: physicalName(STAGE, id),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: FUNCTIONS[id].memoryMb,
        Timeout: FUNCTIONS[id].timeoutS,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: Match.objectLike({
          LogFormat: 'JSON',
          LogGroup: { Ref: logicalId(stack.functions[id].logGroup) },
        }),
        Environment: {
          Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }),
        },
      });
    }
  });

  it('loads the Powertools Tracer everywhere but on the hot path the declaration exempts', () => {
    const exempt = FUNCTION_IDS.filter((id) => (FUNCTIONS[id] as FunctionSpec).tracing === false);
    expect(exempt).toEqual(expect.arrayContaining(['telemetry', 'aggregator']));
    for (const id of FUNCTION_IDS) {
      const fn = ofType('AWS::Lambda::Function').find(
        ([, f]) => f.Properties.FunctionName === physicalName(STAGE, id),
      );
      const vars = (fn![1].Properties.Environment as { Variables: Json }).Variables;
      expect(vars.POWERTOOLS_TRACE_ENABLED, id).toBe(exempt.includes(id) ? 'false' : undefined);
    }
  });

  it('bounds the retention of every log group', () => {
    for (const [, lg] of ofType('AWS::Logs::LogGroup')) expect(lg.Properties.RetentionInDays).toBe(30);
  });

  it('gives every function the env vars depsFromEnv and lambdaDeps read', () => {
    const needed = [
      ...TABLES.map((t) => t.envVar),
      TELEMETRY_STREAM.envVar,
      ENV.operatorTokenSecretArn,
      ENV.failureBucket,
      ENV.stage,
    ];
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const vars = (fn.Properties.Environment as { Variables: Json }).Variables;
      for (const name of needed) expect(vars, name).toHaveProperty(name);
      expect(vars[ENV.operatorToken], 'the token itself never goes into the template').toBeUndefined();
    }
  });
});

describe('event source mapping', () => {
  it('sets every AGGREGATOR_ESM value explicitly, with an S3 on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions.aggregator.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.telemetry.stream), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: AGGREGATOR_ESM.batchSize,
      MaximumBatchingWindowInSeconds: AGGREGATOR_ESM.maxBatchingWindowS,
      MaximumRetryAttempts: AGGREGATOR_ESM.retryAttempts,
      BisectBatchOnFunctionError: AGGREGATOR_ESM.bisectOnError,
      MaximumRecordAgeInSeconds: AGGREGATOR_ESM.maxRecordAgeS,
      ParallelizationFactor: AGGREGATOR_ESM.parallelizationFactor,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.failures.bucket), 'Arn'] } },
      },
      MetricsConfig: { Metrics: ['EventCount'] },
    });
  });

  it('gives the insights consumer its own mapping on the same stream with the same settings', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions.insightsConsumer.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.telemetry.stream), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: AGGREGATOR_ESM.batchSize,
      MaximumRetryAttempts: AGGREGATOR_ESM.retryAttempts,
      BisectBatchOnFunctionError: AGGREGATOR_ESM.bisectOnError,
      MaximumRecordAgeInSeconds: AGGREGATOR_ESM.maxRecordAgeS,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('uses the on-failure bucket as DASHNET_FAILURE_BUCKET', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: physicalName(STAGE, 'aggregator'),
      Environment: {
        Variables: Match.objectLike({ [ENV.failureBucket]: { Ref: logicalId(stack.failures.bucket) } }),
      },
    });
  });
});

describe('HTTP API', () => {
  it('routes every ROUTES entry to its function with payload format 2.0', () => {
    for (const r of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${r.method} ${r.path}`,
        AuthorizationType: 'NONE',
      });
    }
    for (const [, integ] of ofType('AWS::ApiGatewayV2::Integration')) {
      expect(integ.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('throttles each route by who calls it and writes access logs without IP addresses', () => {
    const stage = ofType('AWS::ApiGatewayV2::Stage')[0]![1].Properties;
    expect(stage.StageName).toBe('$default');
    for (const r of ROUTES) {
      expect((stage.RouteSettings as Json)[`${r.method} ${r.path}`]).toEqual({
        ThrottlingRateLimit: ROUTE_THROTTLES[r.auth].rateLimit,
        ThrottlingBurstLimit: ROUTE_THROTTLES[r.auth].burstLimit,
      });
    }
    const format = (stage.AccessLogSettings as { Format: string }).Format;
    expect(format).toContain('$context.requestId');
    expect(format).not.toContain('sourceIp');
  });
});

describe('least privilege', () => {
  const allowStatements = () => {
    const out: { where: string; s: Statement }[] = [];
    for (const [id, r] of Object.entries(resources)) {
      const docs: unknown[] = [];
      if (r.Properties.PolicyDocument) docs.push(r.Properties.PolicyDocument);
      if (r.Properties.KeyPolicy) docs.push(r.Properties.KeyPolicy);
      for (const p of (r.Properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
        docs.push(p.PolicyDocument);
      }
      for (const doc of docs) {
        for (const s of (doc as { Statement: Statement[] }).Statement) {
          if (s.Effect === 'Allow') out.push({ where: `${r.Type} ${id}`, s });
        }
      }
    }
    return out;
  };

  /** The default key policy statement: the account root may administer the key (KMS developer guide, "Default key policy"). */
  const isKeyRootStatement = (where: string, s: Statement) =>
    where.startsWith('AWS::KMS::Key') &&
    JSON.stringify(s.Principal).includes(':root') &&
    actionsOf(s).join() === 'kms:*';

  it('allows no wildcard action anywhere (except the KMS default key policy that delegates to IAM)', () => {
    const wildcards = allowStatements()
      .filter(({ where, s }) => !isKeyRootStatement(where, s))
      .flatMap(({ where, s }) =>
        actionsOf(s)
          .filter((a) => a.includes('*'))
          .map((a) => `${where}: ${a}`),
      );
    expect(wildcards).toEqual([]);
  });

  it('attaches no managed policy to any role', () => {
    for (const [, role] of ofType('AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  const policyOf = (id: FunctionId) => {
    const roleId = logicalId(stack.functions[id].role);
    const found = ofType('AWS::IAM::Policy').find(([, p]) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    if (!found) throw new Error(`no policy for ${id}`);
    return (found[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  };
  const tableArn = (id: string) => ({
    'Fn::GetAtt': [logicalId(stack.tables.table(TABLES.find((t) => t.id === id)!)), 'Arn'],
  });
  const reaches = (id: FunctionId) => JSON.stringify(policyOf(id));

  it("grants each function only the tables FUNCTION_ACCESS and its routes' AUTH_ACCESS list", () => {
    for (const id of FUNCTION_IDS) {
      const listed = new Set(accessOf(id).tables.map(([t]) => t.id));
      for (const t of TABLES) {
        expect(reaches(id).includes(JSON.stringify(tableArn(t.id))), `${id} → ${t.id}`).toBe(
          listed.has(t.id),
        );
      }
    }
  });

  it('lets exactly the functions behind routes that admit operators read the operator secret', () => {
    const operatorFns = new Set<string>(
      ROUTES.filter(
        (r) =>
          r.auth === 'operator' ||
          // Public routes admit everyone and need no credential check at all.
          (r.auth !== 'public' && AUTHZ_MATRIX[`${r.method} ${r.path}`]?.includes('operator')),
      ).map((r) => r.fn),
    );
    expect(operatorFns.size).toBeGreaterThan(0);
    const operatorSecret = logicalId(stack.operatorToken);
    for (const id of FUNCTION_IDS) {
      const readsOperatorSecret = policyOf(id).some(
        (st) =>
          actionsOf(st).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(st.Resource).includes(operatorSecret),
      );
      expect(readsOperatorSecret, id).toBe(operatorFns.has(id));
    }
  });

  it('lets device and insurer routes count requests in the rate-limit table', () => {
    for (const r of ROUTES.filter((x) => x.auth === 'device' || x.auth === 'insurer')) {
      expect(
        accessOf(r.fn).tables.some(([t, how]) => t === RATE_LIMITS_TABLE && how === 'readWrite'),
        r.fn,
      ).toBe(true);
    }
  });

  it('keeps the audit log append-only: no function may update or delete an entry', () => {
    const audit = JSON.stringify(tableArn('Audit'));
    for (const id of FUNCTION_IDS) {
      for (const st of policyOf(id)) {
        if (!JSON.stringify(st.Resource).includes(audit)) continue;
        const actions = ([] as string[]).concat(st.Action as string | string[]);
        expect(actions, id).not.toContain('dynamodb:UpdateItem');
        expect(actions, id).not.toContain('dynamodb:DeleteItem');
        expect(actions, id).not.toContain('dynamodb:BatchWriteItem');
      }
    }
  });

  it('lets only telemetry write to the stream and only the two consumers read it', () => {
    const consumers: FunctionId[] = ['aggregator', 'insightsConsumer'];
    // The export functions write only the exports bucket (asserted above).
    const exporters: FunctionId[] = ['insightsExports', 'insightsExport'];
    // The artefacts function writes only the artefacts/ prefix of the artifacts bucket (uploads).
    const publishers: FunctionId[] = ['artefacts'];
    for (const id of FUNCTION_IDS) {
      expect(reaches(id).includes('kinesis:PutRecords'), id).toBe(id === 'telemetry');
      expect(reaches(id).includes('kinesis:GetRecords'), id).toBe(consumers.includes(id));
      expect(reaches(id).includes('s3:PutObject'), id).toBe(
        consumers.includes(id) || exporters.includes(id) || publishers.includes(id),
      );
    }
    expect(policyOf('aggregator')).toContainEqual(
      expect.objectContaining({
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [logicalId(stack.failures.bucket), 'Arn'] },
      }),
    );
  });
});

describe('alarms and dashboard', () => {
  const alarmMetricNames = () =>
    ofType('AWS::CloudWatch::Alarm').flatMap(([, a]) => {
      const p = a.Properties;
      if (p.MetricName) return [String(p.MetricName)];
      return ((p.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]) ?? []).flatMap((m) =>
        m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
      );
    });

  it('alarms on iterator age, errors, throttles, DynamoDB throttles, failure deliveries, 5xx and ingest', () => {
    const names = alarmMetricNames();
    for (const metric of [
      'IteratorAge',
      'Errors',
      'Throttles',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'OnFailureDestinationDeliveredEventCount',
      'DestinationDeliveryFailures',
      'PutRequests',
      '5xx',
      'WriteProvisionedThroughputExceeded',
      'IncomingRecords',
      METRIC.poisonRecords,
      METRIC.batchItemFailures,
      METRIC.rejected,
    ]) {
      expect(names, metric).toContain(metric);
    }
    expect(names.filter((n) => n === 'Errors')).toHaveLength(FUNCTION_IDS.length);
    // Both stream consumers: the hazard aggregator and the insights consumer.
    expect(names.filter((n) => n === 'IteratorAge')).toHaveLength(2);
    expect(names.filter((n) => n === 'Throttles')).toHaveLength(FUNCTION_IDS.length);
  });

  it('sends every alarm and its recovery to the encrypted SNS topic', () => {
    const topicRef = { Ref: logicalId(stack.observability.topic) };
    for (const [, a] of ofType('AWS::CloudWatch::Alarm')) {
      expect(a.Properties.AlarmActions).toEqual([topicRef]);
      expect(a.Properties.OKActions).toEqual([topicRef]);
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('builds one dashboard covering API, ingest, consumer, functions and tables', () => {
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    for (const m of [
      'IteratorAge',
      'IncomingRecords',
      'ConsumedWriteCapacityUnits',
      '5xx',
      'Duration',
      ...Object.values(METRIC),
    ]) {
      expect(body).toContain(m);
    }
  });
});

describe('schedules', () => {
  it('invokes every SCHEDULES function at its rate', () => {
    for (const [id, s] of Object.entries(SCHEDULES)) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: Schedule.rate(Duration.minutes(s.rateMinutes)).expressionString,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(stack.functions[id as FunctionId].fn), 'Arn'] },
          }),
        ],
      });
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding, and every acknowledgement is used', () => {
    const pack = new AwsSolutionsChecks();
    // Record which acknowledgements the pack actually consults and honours.
    const used = new Set<string>();
    const internals = pack as unknown as { isAcknowledged: (node: IConstruct, id: string) => boolean };
    const original = internals.isAcknowledged.bind(pack);
    internals.isAcknowledged = (node, id) => {
      const hit = original(node, id);
      if (hit) used.add(id);
      return hit;
    };
    const report = pack.validateScope(stack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);

    const declared = new Set<string>();
    for (const c of stack.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          for (const k of Object.keys(m.data as Json)) declared.add(k.replace(/^annotation::/i, ''));
        }
      }
    }
    expect([...declared].filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('stage configuration', () => {
  it('switches the stream to provisioned shards from context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashnet-cdk-prov-'));
    try {
      const { stack: s } = createApp({
        outdir: dir,
        nag: false,
        // No stack is bundled: this test is about the stream, not the handler assets.
        context: { stage: 'prov', streamMode: 'provisioned', shards: 4, 'aws:cdk:bundling-stacks': [] },
      });
      Template.fromStack(s).hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        ShardCount: 4,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed stage name', () => {
    expect(() => createApp({ nag: false, context: { stage: 'Prod_1' } })).toThrow(/context stage/);
  });
});
