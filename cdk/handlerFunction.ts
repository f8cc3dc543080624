import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId, type FunctionSpec } from '../lib/api/functions.ts';
import { REPO_ROOT } from './repoRoot.ts';

export interface HandlerFunctionProps {
  functionId: FunctionId;
  /** Physical function name (`dashnet-<stage>-<id>`), so logs and metrics are findable by name. */
  functionName: string;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  minify: boolean;
}

/**
 * One deployable function from FUNCTIONS, bundled by esbuild from the very module the local
 * stack invokes (`entry` is FUNCTIONS[id].entry, resolved against the repo root), on Node 22 /
 * arm64 (Graviton: ~20% cheaper per GB-second than x86 for the same work).
 *
 * Its role starts empty: no `AWSLambdaBasicExecutionRole` (that managed policy allows
 * `logs:CreateLogGroup` on `*`); instead the role may write to its own log group only, and
 * every data permission is added by a `grant*` call in the stack.
 */
export class HandlerFunction extends Construct {
  readonly functionId: FunctionId;
  /** Repository-relative entry module, as in FUNCTIONS (tests compare the two). */
  readonly entry: string;
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const def = FUNCTIONS[props.functionId];
    this.functionId = props.functionId;
    this.entry = def.entry;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `dashnet ${props.functionId}: ${def.entry}#${def.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Fn', {
      functionName: props.functionName,
      entry: join(REPO_ROOT, def.entry),
      handler: def.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: def.memoryMb,
      timeout: Duration.seconds(def.timeoutS),
      role: this.role,
      logGroup: this.logGroup,
      // JSON logs: Lambda wraps every console line with level, timestamp and request id, so
      // Logs Insights can filter by field without the handlers depending on a logger.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        // Powertools' own switch: the hot-path functions do not load the Tracer (see FunctionSpec.tracing).
        ...((def as FunctionSpec).tracing === false ? { POWERTOOLS_TRACE_ENABLED: 'false' } : {}),
        // Stack traces point at the TypeScript sources (the bundle ships its source map).
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // esbuild from node_modules, never Docker: synth works offline on a laptop or in CI.
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: 'node22',
        minify: props.minify,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions pinned in package-lock.json are the ones the
        // tests ran against, not whatever the managed runtime ships this month.
        externalModules: [],
      },
    });
  }
}
