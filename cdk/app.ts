/**
 * CDK entry point (`cdk.json`: `npx tsx cdk/app.ts`). Usage: `npx cdk synth`,
 * `npx cdk deploy -c stage=prod -c alarmEmail=ops@example.com`; see docs/aws.md.
 */
import { createApp } from './createApp.ts';

createApp().app.synth();
