import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FEATURE_FLAGS } from './featureFlags.ts';
import { DashnetStack } from './stacks/DashnetStack.ts';
import { stageConfigFromContext } from './stageConfig.ts';

export interface CreateAppOptions {
  /** Context values (`stage`, `streamMode`, `shards`, …) on top of cdk.json's and `-c` flags. */
  context?: Record<string, unknown>;
  /** Where the cloud assembly goes (tests: a temp dir); the CLI passes its own. */
  outdir?: string;
  /** Register cdk-nag's AwsSolutions pack as a synth-time validation plugin (default true). */
  nag?: boolean;
}

/**
 * The dashnet CDK app: one stack per stage, `Dashnet-<stage>`. Account and region come from
 * the CLI's environment when there is one; without credentials the stack is
 * environment-agnostic, so `cdk synth` runs offline.
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: DashnetStack } {
  const props: AppProps = {
    context: { ...FEATURE_FLAGS, ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  const app = new App(props);
  const config = stageConfigFromContext(app.node);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new DashnetStack(app, `Dashnet-${config.stage}`, {
    config,
    description: `dashnet (${config.stage}): dash-cam telemetry to road hazards`,
    ...(account && region ? { env: { account, region } } : {}),
    tags: { project: 'dashnet', stage: config.stage },
  });
  // cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails synth.
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
